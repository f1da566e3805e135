// A local stand-in for a Slack-compatible incoming webhook: it records every `{text}` POST by path.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatMessage {
  path: string;
  text: string;
  receivedAt: string;
}

export interface ChatReceiver {
  /** the origin, for OUTBOUND_ALLOWLIST */
  origin: string;
  /** a webhook address on this receiver */
  hook(name: string): string;
  messages(name?: string): ChatMessage[];
  /** answer this status to every POST from now on (a failing webhook) */
  failWith(status: number | null): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startChatReceiver(port = 0): Promise<ChatReceiver> {
  const received: ChatMessage[] = [];
  let failure: number | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST") return void res.writeHead(405).end();
      if (failure) return void res.writeHead(failure).end("failing on purpose");
      let text = "";
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text?: unknown };
        if (typeof body.text !== "string") return void res.writeHead(400).end("missing text");
        text = body.text;
      } catch {
        return void res.writeHead(400).end("invalid JSON");
      }
      received.push({ path: req.url ?? "/", text, receivedAt: new Date().toISOString() });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hook: (name) => `${origin}/hooks/${name}`,
    messages: (name) => received.filter((m) => !name || m.path === `/hooks/${name}`),
    failWith(status) {
      failure = status;
    },
    clear() {
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
