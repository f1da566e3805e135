// Every mail has a plain-text part and a simple HTML part, built from the same blocks so the two never disagree.

import "server-only";
export type MailBlock =
  | { kind: "paragraph"; text: string }
  | { kind: "action"; label: string; url: string }
  | { kind: "heading"; text: string }
  | { kind: "list"; items: { text: string; url?: string; detail?: string }[] };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function textOf(block: MailBlock): string {
  switch (block.kind) {
    case "paragraph":
      return block.text;
    case "heading":
      return `${block.text}\n${"-".repeat(Math.min(block.text.length, 60))}`;
    case "action":
      return `${block.label}:\n${block.url}`;
    case "list":
      return block.items
        .map((i) => [`- ${i.text}`, i.detail ? `  ${i.detail}` : null, i.url ? `  ${i.url}` : null].filter(Boolean).join("\n"))
        .join("\n");
  }
}

function htmlOf(block: MailBlock): string {
  switch (block.kind) {
    case "paragraph":
      return `<p style="margin:0 0 12px">${escapeHtml(block.text)}</p>`;
    case "heading":
      return `<h2 style="margin:20px 0 8px;font-size:16px">${escapeHtml(block.text)}</h2>`;
    case "action":
      return `<p style="margin:16px 0"><a href="${escapeHtml(block.url)}" style="display:inline-block;background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(block.label)}</a></p>`;
    case "list":
      return `<ul style="margin:0 0 12px;padding-left:20px">${block.items
        .map((i) => {
          const label = i.url ? `<a href="${escapeHtml(i.url)}">${escapeHtml(i.text)}</a>` : escapeHtml(i.text);
          const detail = i.detail ? `<br><span style="color:#475569">${escapeHtml(i.detail)}</span>` : "";
          return `<li style="margin-bottom:6px">${label}${detail}</li>`;
        })
        .join("")}</ul>`;
  }
}

export function renderMail(subject: string, blocks: MailBlock[], footer = "vintrace-sync, for Winehub wineries."): RenderedMail {
  const text = [...blocks.map(textOf), "--", footer].join("\n\n") + "\n";
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#0f172a;max-width:640px">${blocks
    .map(htmlOf)
    .join("")}<p style="margin-top:24px;color:#64748b;font-size:12px">${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}
