import { csvFile } from "@/lib/csv";

/** Saves text as a file from the browser (CSV exports of what the page already holds; a CSV gets its byte order mark). */
export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([type.startsWith("text/csv") ? csvFile(text) : text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
