// CSV as spreadsheets read it: every cell quoted (RFC 4180), CRLF line ends, and a cell that a spreadsheet would
// read as a formula or a control (starting with =, +, -, @, a tab or a carriage return) prefixed with a quote, so an
// order name, product title or error message can never run as a formula. Pure and browser-safe: the browser's
// downloads (retry results, product check) and the server's sync log export write cells the same way.
// Every CSV file starts with the UTF-8 byte order mark: without it Excel reads the file in the computer's legacy code
// page and shows "Rosé" as "RosÃ©".
export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_STARTS = new Set(["=", "+", "-", "@", "\t", "\r"]);

export function csvCell(value: CsvValue): string {
  const text = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value);
  const defused = FORMULA_STARTS.has(text[0]) ? `'${text}` : text;
  return `"${defused.replaceAll('"', '""')}"`;
}

export function csvLine(values: CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export function toCsv<T>(rows: readonly T[], columns: readonly { header: string; value: (row: T) => CsvValue }[]): string {
  return csvLine(columns.map((c) => c.header)) + rows.map((row) => csvLine(columns.map((c) => c.value(row)))).join("");
}

/** The UTF-8 byte order mark, first in every CSV file we hand out. */
export const CSV_BOM = "\uFEFF";

/** The CSV as a file's contents: with the byte order mark in front (once). */
export const csvFile = (csv: string): string => (csv.startsWith(CSV_BOM) ? csv : `${CSV_BOM}${csv}`);
