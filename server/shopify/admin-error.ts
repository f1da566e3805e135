// One error type for every Admin API failure, so the sync engine decides "retry later" or "stop and show it" from
// `kind` and `retryable` without knowing the library's error classes.

import "server-only";
export type ShopifyAdminErrorKind = "THROTTLED" | "AUTH" | "TRANSIENT" | "USER_ERROR" | "NOT_FOUND";

export interface ShopifyUserError {
  field: string[] | null;
  message: string;
}

export class ShopifyAdminError extends Error {
  readonly kind: ShopifyAdminErrorKind;
  readonly retryable: boolean;
  readonly status?: number;
  readonly userErrors?: ShopifyUserError[];

  constructor(args: { kind: ShopifyAdminErrorKind; message: string; status?: number; userErrors?: ShopifyUserError[]; cause?: unknown }) {
    super(args.message, { cause: args.cause });
    this.name = "ShopifyAdminError";
    this.kind = args.kind;
    this.retryable = args.kind === "THROTTLED" || args.kind === "TRANSIENT";
    this.status = args.status;
    this.userErrors = args.userErrors;
  }
}

/** Throws USER_ERROR when a mutation answered 200 with userErrors: the library does not. */
export function throwOnUserErrors(operation: string, userErrors: ShopifyUserError[] | undefined): void {
  if (!userErrors?.length) return;
  const detail = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message)).join("; ");
  throw new ShopifyAdminError({ kind: "USER_ERROR", message: `${operation} was refused: ${detail}`, userErrors });
}
