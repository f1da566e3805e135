import { describe, expect, it } from "vitest";
import { readBodyTextUpTo } from "./read-bounded-body";

function streamed(chunks: Uint8Array[], headers: Record<string, string> = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Request("http://app.test/", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readBodyTextUpTo", () => {
  it("gives the body as Request.text() would, even with a character split across chunks", async () => {
    const bytes = new TextEncoder().encode("café ✓");
    expect(await readBodyTextUpTo(streamed([bytes.slice(0, 4), bytes.slice(4)]), bytes.length)).toBe("café ✓");
    expect(await readBodyTextUpTo(new Request("http://app.test/", { method: "POST" }), 10)).toBe("");
  });

  it("stops at the limit whatever Content-Length says, or without one", async () => {
    const kb = new Uint8Array(1024).fill(120);
    expect(await readBodyTextUpTo(streamed([kb, kb, kb]), 2048)).toBeNull();
    expect(await readBodyTextUpTo(streamed([kb, kb, kb], { "content-length": "10" }), 2048)).toBeNull();
    expect(await readBodyTextUpTo(new Request("http://app.test/", { method: "POST", body: "x".repeat(3000) }), 2048)).toBeNull();
  });
});
