// CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, and cells that would start a formula (=, +, -, @)
// prefixed with a quote so a pasted order name or product title can never run as a formula. Pure, so the browser
// (retry results, product check) and the server (sync log export) write the same files.
export type CsvValue = string | number | boolean | Date | null | undefined;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: CsvValue[]): string {
  return `${values.map(cell).join(",")}\r\n`;
}

export function toCsv<T>(rows: readonly T[], columns: readonly { header: string; value: (row: T) => CsvValue }[]): string {
  return csvLine(columns.map((c) => c.header)) + rows.map((row) => csvLine(columns.map((c) => c.value(row)))).join("");
}
