import { describe, expect, it } from "vitest";
import { createMailer } from "./mailer";
import { renderMail } from "./render";

describe("the mailer without SMTP_URL", () => {
  it("says once that mail goes to the log, then logs who each mail is for (the body only when allowed)", async () => {
    const lines: string[] = [];
    const mailer = createMailer({ from: "x@test", log: (l) => lines.push(l), logBodies: false });
    expect(mailer.via).toBe("log");
    expect(lines).toEqual(["[mail] SMTP_URL is not set: mail is written to this log instead of being sent."]);
    const mail = renderMail("Reset your password", [{ kind: "action", label: "Reset", url: "http://app/reset-password/SECRET" }]);
    expect(await mailer.send({ to: "a@b.test", ...mail })).toEqual({ via: "log", messageId: null });
    expect(lines.slice(1)).toEqual(["[mail] to a@b.test: Reset your password"]);

    const dev: string[] = [];
    await createMailer({ from: "x@test", log: (l) => dev.push(l), logBodies: true }).send({ to: "a@b.test", ...mail });
    expect(dev.join("\n")).toContain("http://app/reset-password/SECRET");
  });
});

describe("rendered mail", () => {
  it("has a text part and an HTML part built from the same blocks, with HTML escaped", () => {
    const mail = renderMail("S", [
      { kind: "paragraph", text: "Order <#1001> & co" },
      { kind: "list", items: [{ text: "#1001", detail: "Fix: it", url: "http://app/orders/1?a=1&b=2" }] },
    ]);
    expect(mail.text).toContain("Order <#1001> & co");
    expect(mail.text).toContain("- #1001\n  Fix: it\n  http://app/orders/1?a=1&b=2");
    expect(mail.html).toContain("Order &lt;#1001&gt; &amp; co");
    expect(mail.html).toContain('href="http://app/orders/1?a=1&amp;b=2"');
  });
});
