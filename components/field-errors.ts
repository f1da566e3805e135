// The first message a procedure's field errors (`error.data.fieldErrors`) give for one field, for the form to show
// beside it.
export function firstError(fieldErrors: unknown, field: string): string | undefined {
  const list = fieldErrors && typeof fieldErrors === "object" ? (fieldErrors as Record<string, unknown>)[field] : undefined;
  return Array.isArray(list) && typeof list[0] === "string" ? list[0] : undefined;
}
