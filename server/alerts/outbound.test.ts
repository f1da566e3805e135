import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startChatReceiver } from "@/simulators/mail/chat";
import { checkChatWebhookUrl, createChatPoster, isPublicAddress } from "./outbound";

describe("chat webhook addresses (no request forgery through settings)", () => {
  it("accepts public HTTPS webhooks", () => {
    expect(checkChatWebhookUrl("https://hooks.slack.com/services/T0/B0/xyz", [])).toEqual({
      ok: true,
      url: "https://hooks.slack.com/services/T0/B0/xyz",
      hint: "https://hooks.slack.com",
      allowlisted: false,
    });
    expect(checkChatWebhookUrl("https://8.8.8.8/hook", []).ok).toBe(true);
  });

  it.each([
    ["http://hooks.slack.com/services/x", /https/],
    ["https://localhost/hook", /public/],
    ["https://127.0.0.1/hook", /public/],
    ["https://10.0.0.5/hook", /public/],
    ["https://169.254.169.254/latest/meta-data", /public/],
    ["https://[::1]/hook", /public/],
    ["https://[::ffff:127.0.0.1]/hook", /public/],
    ["https://intranet/hook", /public/],
    ["https://db.internal/hook", /public/],
    ["https://hooks.slack.com:8443/x", /port/],
    ["https://user:pw@hooks.slack.com/x", /user name/],
    ["ftp://hooks.slack.com/x", /https/],
    ["not a url", /not a web address/],
    ["", /Paste/],
  ])("refuses %s", (url, message) => {
    const result = checkChatWebhookUrl(url, []);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("admits origins in OUTBOUND_ALLOWLIST, even over http on a private address", () => {
    expect(checkChatWebhookUrl("http://127.0.0.1:4555/hooks/x", ["http://127.0.0.1:4555"])).toMatchObject({ ok: true, allowlisted: true });
    expect(checkChatWebhookUrl("http://127.0.0.1:4556/hooks/x", ["http://127.0.0.1:4555"]).ok).toBe(false);
  });

  it("knows public from private addresses", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700::1111"]) expect(isPublicAddress(a)).toBe(true);
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.1.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:7f00:1", "nonsense"]) {
      expect(isPublicAddress(a)).toBe(false);
    }
  });

  it.each([
    ["IPv4 unspecified", "0.0.0.0"],
    ["IPv4 'this network'", "0.1.2.3"],
    ["IPv4 loopback", "127.0.0.1"],
    ["IPv4 private 10/8", "10.1.2.3"],
    ["IPv4 private 172.16/12", "172.16.0.1"],
    ["IPv4 private 192.168/16", "192.168.1.1"],
    ["IPv4 link-local (cloud metadata)", "169.254.169.254"],
    ["IPv4 shared address space (CGNAT)", "100.64.0.1"],
    ["IPv4 multicast", "224.0.0.1"],
    ["IPv4 broadcast", "255.255.255.255"],
    ["IPv4 reserved", "240.0.0.1"],
    ["IPv4 documentation", "203.0.113.9"],
    ["IPv4 benchmarking", "198.18.0.1"],
    ["IPv4 protocol assignments", "192.0.0.8"],
    ["IPv6 unspecified", "::"],
    ["IPv6 loopback", "::1"],
    ["IPv6 link-local", "fe80::1"],
    ["IPv6 unique local", "fd00::1"],
    ["IPv6 multicast", "ff02::1"],
    ["IPv6 documentation", "2001:db8::1"],
    ["IPv6 discard", "100::1"],
    ["6to4 of a private address", "2002:a00:1::1"],
    ["6to4 of a public address", "2002:808:808::1"],
    ["NAT64 of loopback", "64:ff9b::7f00:1"],
    ["NAT64 of a public address", "64:ff9b::808:808"],
    ["Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"],
    ["IPv4-mapped loopback (dotted)", "::ffff:127.0.0.1"],
    ["IPv4-mapped loopback (hex)", "::ffff:7f00:1"],
    ["IPv4-mapped private", "::ffff:10.0.0.1"],
    ["IPv4-mapped link-local", "::ffff:169.254.169.254"],
    ["IPv4-translated", "::ffff:0:a00:1"],
    ["IPv4-compatible", "::a00:1"],
    ["not an address", "nonsense"],
    ["a non-canonical IPv4 form", "0x7f.1"],
  ])("refuses %s (%s)", (_, address) => {
    expect(isPublicAddress(address)).toBe(false);
    if (address.includes(":")) expect(checkChatWebhookUrl(`https://[${address}]/hook`, []).ok).toBe(false);
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"])("accepts the public unicast address %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("posts {text} to a real receiver, and refuses a private address at send time", async () => {
    const receiver = await startChatReceiver();
    try {
      const post = createChatPoster([receiver.origin]);
      expect(await post(receiver.hook("a"), "hello")).toEqual({ ok: true, status: 200 });
      expect(receiver.messages("a")).toEqual([expect.objectContaining({ text: "hello" })]);
      const strict = createChatPoster([]);
      expect(await strict(receiver.hook("a"), "hello")).toMatchObject({ ok: false, error: expect.stringMatching(/https/) });
      expect(receiver.messages("a")).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

/** A receiver that answers 200 at once, then sends its body a byte every `everyMs` for `bytes` bytes. */
async function startTrickler(everyMs: number, bytes: number): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent === bytes) {
          clearInterval(timer);
          return void res.end();
        }
        res.write(".");
        sent++;
      }, everyMs);
      res.on("close", () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("chat webhook deadline", () => {
  it("ends a request whose answer trickles in under the idle timeout but past the deadline", async () => {
    const trickler = await startTrickler(100, 60);
    try {
      const post = createChatPoster([trickler.origin], { idleMs: 1_000, deadlineMs: 1_500 });
      const started = Date.now();
      const result = await post(`${trickler.origin}/hooks/slow`, "hello");
      expect(result).toEqual({ ok: false, error: "no complete answer within 1.5 s" });
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await trickler.close();
    }
  });

  it("lets a trickling answer that ends before the deadline succeed", async () => {
    const trickler = await startTrickler(100, 5);
    try {
      const post = createChatPoster([trickler.origin], { idleMs: 1_000, deadlineMs: 3_000 });
      expect(await post(`${trickler.origin}/hooks/slow`, "hello")).toEqual({ ok: true, status: 200 });
    } finally {
      await trickler.close();
    }
  });
});
