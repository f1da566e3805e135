// An order whose every product line is left out by the winery's product rules is refused, never sent as a sales
// order of shipping alone. Its message starts with these words, which is how the cause of such a refusal is told
// apart from the other refusals of an order's contents, in code and in SQL. No imports: the pages read it too.
export const NO_PRODUCT_LINES_PREFIX = "No product lines to send:";

export function isNoProductLines(errorClass: string | null, message: string | null): boolean {
  return errorClass === "VALIDATION" && (message?.startsWith(NO_PRODUCT_LINES_PREFIX) ?? false);
}
