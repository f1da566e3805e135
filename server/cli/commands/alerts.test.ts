import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addChatWebhook } from "@/server/alerts/settings";
import { createPrisma } from "@/server/db";
import { startChatReceiver, type ChatReceiver } from "@/simulators/mail/chat";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { setTestEnv } from "@/test/env";
import { runCli } from "../main";

const db = createPrisma();
const cli = (...argv: string[]) => runCli(argv, async () => db, "cli-test");
let catcher: MailCatcher;
let chat: ChatReceiver;
let restoreEnv: () => void;
const stamp = `${Date.now().toString(36)}`;

beforeAll(async () => {
  catcher = await startMailCatcher({ httpPort: null });
  chat = await startChatReceiver();
  restoreEnv = setTestEnv({ SMTP_URL: catcher.smtpUrl, OUTBOUND_ALLOWLIST: chat.origin });
});
afterAll(async () => {
  restoreEnv();
  await catcher.close();
  await chat.close();
  await db.$disconnect();
});

describe("alerts:test", () => {
  it("sends a test alert to the winery's recipients and prints who got it (--json too)", async () => {
    const shop = `alerts-cli-${stamp}.myshopify.com`;
    const tenant = await db.tenant.create({ data: { name: "CLI Alerts Estate", shopDomain: shop } });
    const none = await cli("alerts:test", "--shop", shop);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toMatch(/no alert recipients/);

    const email = `cli-${stamp}@winery.test`;
    await db.user.create({ data: { email, memberships: { create: { tenantId: tenant.id, role: "OWNER", alertEmails: true } } } });
    await db.user.create({ data: { email: `quiet-${stamp}@winery.test`, memberships: { create: { tenantId: tenant.id, role: "STAFF" } } } });
    await addChatWebhook(db, tenant.id, { label: "Cellar chat", url: chat.hook("cellar") }, [chat.origin], "test");
    const out = await cli("alerts:test", "--shop", shop);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("Test alert for CLI Alerts Estate:");
    expect(out.stdout).toContain(`sent   mail ${email}`);
    expect(out.stdout).toContain(`sent   chat Cellar chat (${chat.origin})`);
    expect(out.stdout).not.toContain("quiet-");
    expect((await catcher.waitFor((m) => m.to.includes(email))).subject).toBe("CLI Alerts Estate: test alert from vintrace-sync");
    expect(chat.messages("cellar")[0].text).toContain("test alert");

    const json = await cli("alerts:test", "--shop", shop, "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ tenant: "CLI Alerts Estate", deliveries: [{ channel: "EMAIL", recipient: email, ok: true }, { channel: "CHAT", ok: true }] });
  });

  it("refuses a bad or unknown shop", async () => {
    expect((await cli("alerts:test", "--shop", "nope")).exitCode).toBe(2);
    const unknown = await cli("alerts:test", "--shop", `nobody-${stamp}.myshopify.com`);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(`error: --shop: no winery has the shop nobody-${stamp}.myshopify.com\n`);
  });
});
