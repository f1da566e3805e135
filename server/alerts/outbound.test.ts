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
