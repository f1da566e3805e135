// "Changed after sending" in the alerts, through real SMTP and a real chat webhook: the winery's 15-minute digest
// tells of a new entry once (with no failure to report too), again once the entry is opened again, never of one
// already handled, and only to the people who opted in; support's digest lists an entry unhandled for over 3 days,
// once, and neither a younger nor a handled one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { startChatReceiver, type ChatReceiver } from "@/simulators/mail/chat";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { addChange, cancelledDetails, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-changes";
import { ALERT_POLICY, runSupportDigest, runTenantAlerts, type AlertDeps } from "./cycle";
import { OVERDUE_AFTER_MS } from "./order-changes";
import { createChatPoster } from "./outbound";
import { addChatWebhook } from "./settings";

// The file's own database (test/per-file-database.ts), so the support digest sees only this file's wineries.
const db = createPrisma();
const W = ALERT_POLICY.digestWindowMs;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const appUrl = "http://app.test";
let catcher: MailCatcher;
let chat: ChatReceiver;
let mailer: Mailer;
let deps: AlertDeps;
/** Each test runs in windows of its own, from a window boundary a little in the future, so no claim collides. */
let epoch = Math.ceil(Date.now() / W) * W;
const nextStretch = () => {
  epoch += 10 * W;
  return epoch;
};
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

beforeAll(async () => {
  catcher = await startMailCatcher({ httpPort: null });
  chat = await startChatReceiver();
  mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <alerts@test>", log: () => {} });
  deps = { mailer, postChat: createChatPoster([chat.origin]), appUrl, owner: "test-changes", supportWebhookUrl: chat.hook("support") };
});
beforeEach(() => {
  catcher.clear();
  chat.clear();
});
afterAll(async () => {
  mailer.close();
  await catcher.close();
  await chat.close();
  await db.$disconnect();
});

async function winery(label: string) {
  const id = unique();
  const tenant = await db.tenant.create({ data: { name: `${label} ${id}`, shopDomain: `${label.toLowerCase().replace(/\W+/g, "-")}-${id}.myshopify.com` } });
  const optedIn = `owner-${id}@winery.test`;
  const optedOut = `staff-${id}@winery.test`;
  await db.user.create({ data: { email: optedIn, memberships: { create: { tenantId: tenant.id, role: "OWNER", alertEmails: true } } } });
  await db.user.create({ data: { email: optedOut, memberships: { create: { tenantId: tenant.id, role: "STAFF", alertEmails: false } } } });
  const hookName = `w-${id}`;
  await addChatWebhook(db, tenant.id, { label: "Winery Slack", url: chat.hook(hookName) }, [chat.origin], "test");
  return { tenant, optedIn, optedOut, hookName };
}

const sentKinds = (result: { sent: { kind: string }[] }) => result.sent.map((s) => s.kind);

describe("the winery's digest", () => {
  it("tells of a new change once, with no failure to report, to the people who opted in and the chat webhook", async () => {
    const t0 = nextStretch();
    const w = await winery("Changed Creek");
    const order = await sentOrder(db, w.tenant.id, "#2001", "SO-2001");
    const change = await addChange(db, order, editedDetails());
    // Handled before any digest ran: nothing to tell.
    const quick = await addChange(db, await sentOrder(db, w.tenant.id, "#2002"), cancelledDetails(), { handledAt: new Date(), handledBy: "x@winery.test" });

    const first = await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps);
    expect(sentKinds(first)).toEqual(["DIGEST"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn));
    expect(mail.subject).toBe(`${w.tenant.name}: 1 order changed in Shopify after sending to vintrace`);
    expect(mail.text).toContain("#2001 (vintrace SO-2001): Edited: 1 line added, 1 line removed, 1 line changed; Shipping");
    expect(mail.text).toContain(`${appUrl}/orders/${order.id}?winery=${w.tenant.id}`);
    expect(mail.text).toContain(`${appUrl}/changes?winery=${w.tenant.id}`);
    expect(mail.text).toContain("make the change there, then mark the entry handled");
    expect(mail.text).not.toContain("#2002");
    expect(catcher.messages({ to: w.optedOut })).toHaveLength(0);
    expect(chat.messages(w.hookName)).toHaveLength(1);
    expect(chat.messages(w.hookName)[0].text).toContain("#2001");

    const alert = await db.alert.findUniqueOrThrow({ where: { id: first.sent[0].alertId } });
    expect(alert).toMatchObject({ kind: "DIGEST", failureCount: 0, tenantId: w.tenant.id });
    const told = await db.orderChange.findUniqueOrThrow({ where: { id: change.id } });
    expect(told.digestId).toBe(alert.id);
    // Taking it for the digest is not a change to the entry: a person who read it before can still mark it handled.
    expect(told.updatedAt).toEqual(change.updatedAt);
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: quick.id } })).digestId).toBeNull();

    // Told once: the next windows send nothing.
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + 2 * W + MIN), deps))).toEqual([]);

    // Marked handled, then Shopify changes the order again: the worker opens the entry again, and it is told again.
    await db.orderChange.update({ where: { id: change.id }, data: { handledAt: new Date(), handledBy: w.optedIn } });
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + 3 * W + MIN), deps))).toEqual([]);
    await db.orderChange.update({ where: { id: change.id }, data: { handledAt: null, handledBy: null, digestId: null, details: { ...editedDetails(), other: [] } } });
    catcher.clear();
    const again = await runTenantAlerts(db, w.tenant.id, new Date(t0 + 4 * W + MIN), deps);
    expect(sentKinds(again)).toEqual(["DIGEST"]);
    const second = await catcher.waitFor((m) => m.to.includes(w.optedIn));
    expect(second.text).toContain("#2001 (vintrace SO-2001): Edited: 1 line added, 1 line removed, 1 line changed");
    expect(second.text).not.toContain("; Shipping");
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: change.id } })).digestId).toBe(again.sent[0].alertId);
  });

  it("tells of failures and changes in the same digest", async () => {
    const t0 = nextStretch();
    const w = await winery("Both Ways");
    // Two failures: the first is alerted at once, the second waits for the digest with the change.
    await db.orderSync.createMany({
      data: ["#3001", "#3002"].map((orderName) => ({
        tenantId: w.tenant.id,
        orderGid: `gid://shopify/Order/${unique()}`,
        orderName,
        source: "WEBHOOK" as const,
        status: "FAILED" as const,
        attempts: 1,
        lastErrorClass: "CONFIG" as const,
        lastErrorMessage: "vintrace has no customer named Web",
      })),
    });
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps))).toEqual(["FIRST_FAILURE"]);
    await addChange(db, await sentOrder(db, w.tenant.id, "#3003", "SO-3003"), refundedDetails());
    catcher.clear();

    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps))).toEqual(["DIGEST"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn));
    expect(mail.subject).toBe(`${w.tenant.name}: 1 order could not be sent to vintrace; 1 order changed after sending`);
    expect(mail.text).toContain("The settings do not match vintrace (1)");
    expect(mail.text).toContain("#3003 (vintrace SO-3003): Refunded 45.00 AUD in 2 refunds");
  });
});

describe("support's digest", () => {
  it("lists an entry unhandled for over 3 days once, and neither a younger nor a handled one", async () => {
    const t0 = nextStretch();
    const w = await winery("Slow Hands");
    const staff = await db.user.create({ data: { email: `support-${unique()}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
    // The support digest at t0 + MIN covers the window ending at t0.
    const ago = (ms: number) => ({ detectedAt: new Date(t0 - ms), digestId: "told" });
    const overdue = await addChange(db, await sentOrder(db, w.tenant.id, "#4001", "SO-4001"), cancelledDetails({ reason: "declined" }), ago(OVERDUE_AFTER_MS + 60 * MIN));
    const younger = await addChange(db, await sentOrder(db, w.tenant.id, "#4002"), refundedDetails(), ago(2 * DAY));
    await addChange(db, await sentOrder(db, w.tenant.id, "#4003"), editedDetails(), { ...ago(5 * DAY), handledAt: new Date(t0 - DAY), handledBy: "x@winery.test" });

    const first = await runSupportDigest(db, new Date(t0 + MIN), deps);
    expect(sentKinds(first)).toEqual(["SUPPORT_DIGEST"]);
    const mail = await catcher.waitFor((m) => m.to.includes(staff.email));
    expect(mail.subject).toContain("1 order changed after sending, unhandled for over 3 days");
    expect(mail.text).toContain(`${w.tenant.name}: #4001 (vintrace SO-4001): Cancelled: payment declined`);
    expect(mail.text).toContain(`${appUrl}/orders/${overdue.orderSyncId}?winery=${w.tenant.id}`);
    expect(mail.text).not.toContain("#4002");
    expect(mail.text).not.toContain("#4003");
    expect(chat.messages("support").at(-1)?.text).toContain("1 order changed after sending, unhandled for over 3 days across 1 winery");
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: overdue.id } })).supportDigestId).toBe(first.sent[0].alertId);
    // The winery's own digest (it was told already) sends nothing.
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps))).toEqual([]);

    // Listed once: the next window has nothing for support.
    expect(sentKinds(await runSupportDigest(db, new Date(t0 + W + MIN), deps))).toEqual([]);

    // Two days on, the younger one is overdue too, and only it is listed.
    catcher.clear();
    const later = t0 + 2 * DAY;
    const next = await runSupportDigest(db, new Date(later + MIN), deps);
    expect(sentKinds(next)).toEqual(["SUPPORT_DIGEST"]);
    const nextMail = await catcher.waitFor((m) => m.to.includes(staff.email));
    expect(nextMail.text).toContain("#4002");
    expect(nextMail.text).not.toContain("#4001");
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: younger.id } })).supportDigestId).toBe(next.sent[0].alertId);
  });
});
