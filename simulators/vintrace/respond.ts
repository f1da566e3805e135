// What a simulator handler answers, before it is written: handlers return it so that a fault can replace the
// reply of a request that was processed ("created the order, then returned 500").

export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** default application/json; a string body with another type is sent as it is */
  contentType?: string;
}

export const json = (status: number, body: unknown): SimResponse => ({ status, body });

/** vintrace v6's error envelope. */
export const v6Error = (status: number, message: string): SimResponse => json(status, { status: "Error", message });

/** vintrace v7's error body, which the contract uses for 401 and 403. */
export const v7Error = (status: number, code: string, message: string, detail: string): SimResponse =>
  json(status, { errors: [{ code, message, detail }] });
