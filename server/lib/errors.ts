// Errors a domain service throws when its input is wrong, shared by every caller (the dashboard's procedures, the
// CLI, the demo seed) so that none of them depends on another service to name a bad field.
import "server-only";
import type { z } from "zod";

/** A refusal that names the fields at fault, each with a message meant for the person who filled them in. */
export class InputError extends Error {
  constructor(public readonly fieldErrors: Record<string, string>) {
    super(Object.entries(fieldErrors).map(([k, v]) => `${k} ${v}`).join("; "));
  }
}

/** The parsed input, or an InputError naming the first problem with each field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string> = {};
  for (const issue of result.error.issues) fieldErrors[issue.path.join(".") || "input"] ??= issue.message;
  throw new InputError(fieldErrors);
}
