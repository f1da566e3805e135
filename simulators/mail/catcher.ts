// A local SMTP catcher (the smtp-server package) for the demo, the tests and the browser tests: it accepts every
// mail, keeps it in memory, optionally writes it to a folder (<id>.eml plus index.json), and serves what it caught
// over HTTP: GET / (a page), GET /messages.json[?to=<address>], GET /messages/<id>.eml, DELETE /messages.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { escapeHtml } from "@/server/mail/render";
import { linksIn, parseMail } from "./mime";

export interface CaughtMail {
  id: string;
  receivedAt: string;
  /** the envelope recipients */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
  raw: string;
}

export interface MailCatcherOptions {
  /** SMTP port (0: a free one) */
  smtpPort?: number;
  /** HTTP port for the viewer (0: a free one; null: no viewer) */
  httpPort?: number | null;
  host?: string;
  /** write each mail as <id>.eml and keep index.json there */
  dir?: string;
}

export interface MailCatcher {
  smtpUrl: string;
  /** the viewer's address, when it runs */
  httpUrl: string | null;
  messages(filter?: { to?: string }): CaughtMail[];
  /** resolves with the first mail (already caught or still to come) that matches */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  close(): Promise<void>;
}

const forAddress = (to: string | undefined) => (mail: CaughtMail) => !to || mail.to.some((a) => a.toLowerCase() === to.toLowerCase());

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const caught: CaughtMail[] = [];
  const waiters = new Set<() => void>();
  let sequence = 0;
  if (options.dir) mkdirSync(options.dir, { recursive: true });

  const keep = (mail: CaughtMail) => {
    caught.push(mail);
    if (options.dir) {
      writeFileSync(path.join(options.dir, `${mail.id}.eml`), mail.raw);
      const index = caught.map(({ raw: _raw, html: _html, ...summary }) => ({ ...summary, file: `${summary.id}.eml` }));
      writeFileSync(path.join(options.dir, "index.json"), JSON.stringify(index, null, 2));
    }
    for (const wake of [...waiters]) wake();
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = parseMail(raw);
        sequence += 1;
        keep({
          id: `${Date.now()}-${String(sequence).padStart(4, "0")}`,
          receivedAt: new Date().toISOString(),
          to: session.envelope.rcptTo.map((r) => r.address),
          from: parsed.from,
          subject: parsed.subject,
          text: parsed.text,
          html: parsed.html,
          links: linksIn(parsed.text),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  let http: Server | null = null;
  if (options.httpPort !== null) {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://catcher");
      if (req.method === "DELETE" && url.pathname === "/messages") {
        caught.length = 0;
        res.writeHead(204).end();
        return;
      }
      if (url.pathname === "/messages.json") {
        const list = caught.filter(forAddress(url.searchParams.get("to") ?? undefined)).map(({ raw: _raw, ...m }) => m);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(list));
        return;
      }
      const eml = /^\/messages\/([\w-]+)\.eml$/.exec(url.pathname);
      if (eml) {
        const mail = caught.find((m) => m.id === eml[1]);
        if (!mail) res.writeHead(404).end("No such mail");
        else res.writeHead(200, { "content-type": "message/rfc822" }).end(mail.raw);
        return;
      }
      if (url.pathname === "/") {
        const rows = [...caught]
          .reverse()
          .map(
            (m) =>
              `<article style="border:1px solid #e2e8f0;border-radius:8px;padding:12px;margin:12px 0"><div><b>${escapeHtml(m.subject)}</b></div><div style="color:#64748b">to ${escapeHtml(m.to.join(", "))} · ${escapeHtml(m.receivedAt)} · <a href="/messages/${m.id}.eml">.eml</a></div><pre style="white-space:pre-wrap">${escapeHtml(m.text).replace(/(https?:\/\/[^\s<&]+)/g, '<a href="$1">$1</a>')}</pre></article>`,
          )
          .join("");
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(`<!doctype html><title>Caught mail</title><body style="font-family:sans-serif;max-width:860px;margin:24px auto"><h1>Caught mail (${caught.length})</h1>${rows || "<p>No mail yet.</p>"}</body>`);
        return;
      }
      res.writeHead(404).end("Not found");
    });
    await new Promise<void>((resolve, reject) => {
      http!.once("error", reject);
      http!.listen(options.httpPort ?? 0, host, () => resolve());
    });
  }
  const httpUrl = http ? `http://${host}:${(http.address() as AddressInfo).port}` : null;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    httpUrl,
    messages: (filter = {}) => caught.filter(forAddress(filter.to)),
    waitFor(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = caught.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching mail within ${timeoutMs} ms (caught ${caught.length}: ${caught.map((m) => m.subject).join("; ")})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    clear() {
      caught.length = 0;
    },
    async close() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (http) await new Promise<void>((resolve) => http!.close(() => resolve()));
    },
  };
}

/** From another process (a browser test): the mails the catcher at `httpUrl` holds for an address. */
export async function fetchCaughtMail(httpUrl: string, to?: string): Promise<Omit<CaughtMail, "raw">[]> {
  const res = await fetch(`${httpUrl}/messages.json${to ? `?to=${encodeURIComponent(to)}` : ""}`);
  if (!res.ok) throw new Error(`the mail catcher answered ${res.status}`);
  return (await res.json()) as Omit<CaughtMail, "raw">[];
}

/** Polls the catcher until a mail to `to` matches, for tests in another process. */
export async function waitForCaughtMail(
  httpUrl: string,
  to: string,
  match: (mail: Omit<CaughtMail, "raw">) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<Omit<CaughtMail, "raw">> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await fetchCaughtMail(httpUrl, to)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matched within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
