// A domain service's refusal that is not about one field: the record is not there (or not the caller's), the caller
// may not do this, or the request cannot be done as asked. The service says which and why, in words meant for the
// person asking; the dashboard's procedures turn it into the matching tRPC error once, for every procedure, so the
// services stay free of the transport.
import "server-only";

export type RefusalCode = "NOT_FOUND" | "FORBIDDEN" | "BAD_REQUEST" | "TOO_MANY_REQUESTS";

export class Refused extends Error {
  constructor(
    public readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "Refused";
  }
}
