// Field errors that the tRPC error formatter sends to the form (`data.fieldErrors`), whether they come from the
// input schema or from a check made in the handler (an address outside vintrace, a shop already added).
import "server-only";
import { TRPCError } from "@trpc/server";
import { ZodRealError } from "zod";

// ZodRealError is the Error subclass (what a failed parse throws): tRPC keeps an Error as the cause as it is.
export function fieldErrors(errors: Record<string, string>, message = "Some fields need attention."): TRPCError {
  const cause = new ZodRealError(Object.entries(errors).map(([field, text]) => ({ code: "custom" as const, path: field.split("."), message: text, input: undefined })));
  return new TRPCError({ code: "BAD_REQUEST", message: `${message} ${Object.entries(errors).map(([f, t]) => `${f}: ${t}`).join("; ")}`, cause });
}
