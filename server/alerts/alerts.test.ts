import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { ErrorClass } from "@/server/generated/prisma/client";
import { createMailer, type Mailer } from "@/server/mail/mailer";
import { startChatReceiver, type ChatReceiver } from "@/simulators/mail/chat";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { CAUSE_INFO } from "@/lib/causes";
import { NO_PRODUCT_LINES_PREFIX } from "@/lib/no-product-lines";
import { addChange, cancelledDetails, editedDetails, refundedDetails, sentOrder } from "@/test/support/order-change-entries";
import { ALERT_POLICY, runAlertCycle, runSupportDigest, runTenantAlerts, type AlertDeps } from "./cycle";
import { OVERDUE_AFTER_MS } from "./order-changes";
import { createChatPoster } from "./outbound";
import { addChatWebhook, sendTestAlert } from "./settings";

// The file's own database (test/per-file-database.ts): the cycle looks at every winery, so no other file's workers
// may run it here.
const db = createPrisma();
const W = ALERT_POLICY.digestWindowMs;
const MIN = 60_000;
const appUrl = "http://app.test";
let catcher: MailCatcher;
let chat: ChatReceiver;
let mailer: Mailer;
let deps: AlertDeps;
/**
 * Each test runs in its own few windows, starting at a window boundary a little in the future (within the backfill
 * horizon, past which a failure counts as already reported), so the support digest's claims never collide.
 */
let epoch = Math.ceil(Date.now() / W) * W;
const nextStretch = () => {
  epoch += 3 * W;
  return epoch;
};

beforeAll(async () => {
  catcher = await startMailCatcher({ httpPort: null });
  chat = await startChatReceiver();
  mailer = createMailer({ smtpUrl: catcher.smtpUrl, from: "vintrace-sync <alerts@test>", log: () => {} });
  deps = { mailer, postChat: createChatPoster([chat.origin]), appUrl, owner: "test-a", supportWebhookUrl: chat.hook("support") };
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

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

async function tenant(label: string, options: { optedIn?: number; optedOut?: number; silenceMinutes?: number } = {}) {
  const id = unique();
  const tenant = await db.tenant.create({
    data: { name: `${label} ${id}`, shopDomain: `${label.toLowerCase().replace(/\W+/g, "-")}-${id}.myshopify.com`, silenceAlertMinutes: options.silenceMinutes ?? 120 },
  });
  const people = async (count: number, optIn: boolean) => {
    const emails: string[] = [];
    for (let i = 0; i < count; i++) {
      const email = `${optIn ? "in" : "out"}${i}-${id}@winery.test`;
      await db.user.create({ data: { email, memberships: { create: { tenantId: tenant.id, role: i === 0 ? "OWNER" : "STAFF", alertEmails: optIn } } } });
      emails.push(email);
    }
    return emails;
  };
  const optedIn = await people(options.optedIn ?? 1, true);
  const optedOut = await people(options.optedOut ?? 1, false);
  const hookName = `w-${id}`;
  await addChatWebhook(db, tenant.id, { label: "Winery Slack", url: chat.hook(hookName) }, [chat.origin], "test");
  return { tenant, optedIn, optedOut, hookName };
}

let orderNumber = 1000;
async function fail(tenantId: string, errorClass: ErrorClass, count = 1) {
  const rows = Array.from({ length: count }, () => {
    orderNumber += 1;
    return {
      tenantId,
      orderGid: `gid://shopify/Order/${unique()}${orderNumber}`,
      orderName: `#${orderNumber}`,
      source: "WEBHOOK" as const,
      status: "FAILED" as const,
      attempts: 1,
      lastErrorClass: errorClass,
      lastErrorMessage: `refused: ${errorClass.toLowerCase()} problem`,
      lastErrorHowTo: errorClass === "VALIDATION" ? "Map SKU X-1 to a vintrace code in Products." : null,
      lastErrorFix: errorClass === "VALIDATION" ? "products" : "settings",
    };
  });
  await db.orderSync.createMany({ data: rows });
  return db.orderSync.findMany({ where: { tenantId, orderName: { in: rows.map((r) => r.orderName) } }, orderBy: { orderName: "asc" } });
}

const mailsTo = (email: string, kind?: RegExp) => catcher.messages({ to: email }).filter((m) => !kind || kind.test(m.subject));

describe("immediate alerts, the digest and the opt-out (real SMTP, real HTTP webhook)", () => {
  it("the first failure after a quiet period is alerted at once; the rest wait for the digest, grouped by cause with links and fixes", async () => {
    const t0 = nextStretch();
    const w = await tenant("Quiet Creek");
    const [first] = await fail(w.tenant.id, "VALIDATION");
    const r1 = await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps);
    expect(r1.sent.map((s) => s.kind)).toEqual(["FIRST_FAILURE"]);
    const immediate = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(immediate.subject).toBe(`${w.tenant.name}: order ${first.orderName} could not be sent to vintrace`);
    expect(immediate.text).toContain(`${appUrl}/orders/${first.id}`);
    expect(immediate.text).toContain("Fix: Map SKU X-1 to a vintrace code in Products.");
    expect(immediate.html).toContain(`href="${appUrl}/orders/${first.id}"`);
    expect(chat.messages(w.hookName)).toHaveLength(1);
    expect(chat.messages(w.hookName)[0].text).toContain(first.orderName);

    // More failures in the same stretch: no second immediate alert; the digest at the window's end lists them.
    const more = [...(await fail(w.tenant.id, "VALIDATION", 2)), ...(await fail(w.tenant.id, "CONFIG", 1))];
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + 3 * MIN), deps)).sent).toEqual([]);
    const r2 = await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps);
    expect(r2.sent.map((s) => s.kind)).toEqual(["DIGEST"]);
    const digest = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]) && m.subject.includes("3 orders"));
    expect(digest.text).toContain("vintrace refused the order's contents (2)");
    expect(digest.text).toContain("The settings do not match vintrace (1)");
    for (const order of more) expect(digest.text).toContain(`${appUrl}/orders/${order.id}`);
    expect(digest.text).not.toContain(`${appUrl}/orders/${first.id}`); // already alerted on its own
    expect(digest.html).toContain("<h2");
    expect(chat.messages(w.hookName)).toHaveLength(2);

    // The opted-out staff member got nothing at all.
    expect(mailsTo(w.optedOut[0])).toHaveLength(0);
    // Nothing new: nothing sent.
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + 2 * W + MIN), deps)).sent).toEqual([]);

    const listed = await db.alert.findMany({ where: { tenantId: w.tenant.id }, include: { deliveries: true }, orderBy: { createdAt: "asc" } });
    expect(listed.map((a) => [a.kind, a.failureCount, a.deliveries.map((d) => `${d.channel}:${d.ok}`).sort()])).toEqual([
      ["FIRST_FAILURE", 1, ["CHAT:true", "EMAIL:true"]],
      ["DIGEST", 3, ["CHAT:true", "EMAIL:true"]],
    ]);
  });

  it("after the quiet period passes, the next failure is alerted at once again; opting out stops the mail", async () => {
    const t0 = nextStretch();
    const w = await tenant("Second Wind");
    await fail(w.tenant.id, "CONFIG");
    await runTenantAlerts(db, w.tenant.id, new Date(t0), deps);
    await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps); // nothing left for the digest
    const later = t0 + ALERT_POLICY.quietPeriodMs + 2 * W;
    expect((await runTenantAlerts(db, w.tenant.id, new Date(later), deps)).cleared).toEqual([{ tenantId: w.tenant.id, condition: "FAILING" }]);
    await db.membership.updateMany({ where: { tenantId: w.tenant.id }, data: { alertEmails: false } });
    catcher.clear();
    chat.clear();
    await fail(w.tenant.id, "CONFIG");
    expect((await runTenantAlerts(db, w.tenant.id, new Date(later + MIN), deps)).sent.map((s) => s.kind)).toEqual(["FIRST_FAILURE"]);
    expect(chat.messages(w.hookName)).toHaveLength(1);
    expect(catcher.messages()).toHaveLength(0);
  });

  it("vintrace refusing the key is alerted once (not also as a first failure), and again only after it has cleared", async () => {
    // Real time here: clearing compares the orders' own timestamps. A run that happens to cross the end of a
    // 15-minute window also sends that window's digest, which is not what this test is about.
    const now = () => new Date();
    const immediate = (sent: { kind: string }[]) => sent.map((s) => s.kind).filter((kind) => kind !== "DIGEST");
    const w = await tenant("Keyless Estate");
    await fail(w.tenant.id, "AUTH", 3);
    const r1 = await runTenantAlerts(db, w.tenant.id, now(), deps);
    expect(immediate(r1.sent)).toEqual(["AUTH_FAILING"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(mail.subject).toContain("vintrace is refusing our API key");
    expect(mail.text).toContain("3 orders have failed on this so far");

    await fail(w.tenant.id, "AUTH", 5);
    expect(immediate((await runTenantAlerts(db, w.tenant.id, now(), deps)).sent)).toEqual([]);
    // An order goes through: the key works again, the condition clears.
    await db.orderSync.create({
      data: { tenantId: w.tenant.id, orderGid: `gid://shopify/Order/ok-${unique()}`, orderName: "#ok", source: "WEBHOOK", status: "SYNCED", syncedAt: now() },
    });
    const r3 = await runTenantAlerts(db, w.tenant.id, now(), deps);
    expect(r3.cleared).toContainEqual({ tenantId: w.tenant.id, condition: "AUTH_FAILING" });
    expect(immediate(r3.sent)).toEqual(["RESOLVED"]);
    expect(mailsTo(w.optedIn[0], /resolved: vintrace was refusing our API key$/)).toHaveLength(1);
    // Broken again later: alerted again.
    await new Promise((r) => setTimeout(r, 5));
    await fail(w.tenant.id, "AUTH");
    expect((await runTenantAlerts(db, w.tenant.id, now(), deps)).sent.map((s) => s.kind)).toContain("AUTH_FAILING");
    expect(mailsTo(w.optedIn[0], /is refusing our API key/)).toHaveLength(2);
    expect(mailsTo(w.optedIn[0], /could not be sent to vintrace$/)).toHaveLength(0);
  });
});

describe("orders with no product lines to send", () => {
  it("have their own line in the winery's and support's digests, with the ignore-rules advice, apart from vintrace's refusals", async () => {
    const t0 = nextStretch();
    await runSupportDigest(db, new Date(t0 + MIN), deps);
    const w = await tenant("Gift Shop");
    const staff = await db.user.create({ data: { email: `support-npl-${unique()}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
    await fail(w.tenant.id, "VALIDATION");
    await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps);
    const refused = await fail(w.tenant.id, "VALIDATION");
    const empty = await fail(w.tenant.id, "VALIDATION", 2);
    await db.orderSync.updateMany({
      where: { id: { in: empty.map((o) => o.id) } },
      data: { lastErrorMessage: `${NO_PRODUCT_LINES_PREFIX} every line is a gift card or has no SKU`, lastErrorHowTo: null, lastErrorFix: "products" },
    });
    await runAlertCycle(db, new Date(t0 + 2 * MIN), deps);
    await runAlertCycle(db, new Date(t0 + W + MIN), deps);

    const digest = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]) && m.subject.includes("3 orders"));
    const [, npl] = digest.text.split(`${CAUSE_INFO.NO_PRODUCT_LINES.label} (2)`);
    expect(npl).toBeDefined();
    expect(digest.text).toContain("vintrace refused the order's contents (1)");
    const section = npl.split("vintrace refused the order's contents")[0];
    expect(section.replace(/\s+/g, " ")).toContain(`Fix: ${CAUSE_INFO.NO_PRODUCT_LINES.explanation}`);
    for (const order of empty) expect(section).toContain(`${appUrl}/orders/${order.id}`);
    expect(section).not.toContain(`${appUrl}/orders/${refused[0].id}`);

    const support = await catcher.waitFor((m) => m.to.includes(staff.email));
    expect(support.text).toContain(`${CAUSE_INFO.NO_PRODUCT_LINES.label}: 2`);
    expect(support.text).toContain("vintrace refused the order's contents: 2");
  });
});

describe("never a storm", () => {
  it("1,000 failures in one window give exactly one digest per recipient, even with two instances running the cycle", async () => {
    const t0 = nextStretch();
    const w = await tenant("Storm Valley", { optedIn: 2, optedOut: 1 });
    await fail(w.tenant.id, "VALIDATION", 700);
    await fail(w.tenant.id, "CONFIG", 300);
    const other = { ...deps, owner: "test-b" };
    // Two instances, the same minute, twice over; then again at the window's end.
    for (const at of [t0 + MIN, t0 + 2 * MIN, t0 + W + MIN, t0 + W + 2 * MIN]) {
      await Promise.all([runTenantAlerts(db, w.tenant.id, new Date(at), deps), runTenantAlerts(db, w.tenant.id, new Date(at), other)]);
    }
    for (const email of w.optedIn) {
      expect(mailsTo(email, /could not be sent to vintrace$/).filter((m) => /^.*: 999 orders/.test(m.subject))).toHaveLength(1);
      expect(mailsTo(email)).toHaveLength(2); // the immediate alert and the digest
    }
    expect(mailsTo(w.optedOut[0])).toHaveLength(0);
    expect(chat.messages(w.hookName)).toHaveLength(2);
    const digest = mailsTo(w.optedIn[0]).find((m) => m.subject.includes("999 orders"))!;
    expect(digest.text).toContain("vintrace refused the order's contents (699)");
    expect(digest.text).toContain("The settings do not match vintrace (300)");
    expect(digest.text).toContain("…and 679 more with this cause.");
    expect(digest.text.length).toBeLessThan(20_000);
    expect(await db.alert.count({ where: { tenantId: w.tenant.id, kind: "DIGEST" } })).toBe(1);
    expect(await db.alertFailure.count({ where: { tenantId: w.tenant.id, digestId: null } })).toBe(0);
  });
});

describe("the silence warning", () => {
  it("warns once when orders wait past the winery's threshold with nothing synced, and clears when one goes through", async () => {
    const t0 = nextStretch();
    const w = await tenant("Still Waters", { silenceMinutes: 120 });
    const order = (name: string, createdAt: number, status: "PENDING" | "SYNCED", syncedAt?: number) =>
      db.orderSync.create({
        data: {
          tenantId: w.tenant.id,
          orderGid: `gid://shopify/Order/${unique()}`,
          orderName: name,
          source: "WEBHOOK",
          status,
          createdAt: new Date(createdAt),
          syncedAt: syncedAt ? new Date(syncedAt) : null,
        },
      });
    await order("#1", t0 - 300 * MIN, "SYNCED", t0 - 299 * MIN);
    await order("#2", t0 - 100 * MIN, "PENDING");
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0), deps)).sent).toEqual([]); // 100 minutes: not yet
    const r = await runTenantAlerts(db, w.tenant.id, new Date(t0 + 30 * MIN), deps);
    expect(r.sent.map((s) => s.kind)).toEqual(["SILENCE"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(mail.subject).toBe(`${w.tenant.name}: no order has reached vintrace for 2 hours`);
    expect(chat.messages(w.hookName)[0].text).toContain("none synced for over 2 hours");
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + 45 * MIN), deps)).sent).toEqual([]);

    await db.orderSync.updateMany({ where: { tenantId: w.tenant.id, orderName: "#2" }, data: { status: "SYNCED", syncedAt: new Date(t0 + 50 * MIN) } });
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + 60 * MIN), deps)).cleared).toEqual([{ tenantId: w.tenant.id, condition: "SILENCE" }]);
    expect(mailsTo(w.optedIn[0]).map((m) => m.subject)).toEqual([
      `${w.tenant.name}: no order has reached vintrace for 2 hours`,
      `${w.tenant.name}: resolved: no order was reaching vintrace`,
    ]);

    // A paused winery is quiet on purpose: no warning.
    await order("#3", t0 - 10 * 60 * MIN, "PENDING");
    await db.tenant.update({ where: { id: w.tenant.id }, data: { status: "PAUSED" } });
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + 70 * MIN), deps)).sent).toEqual([]);
  });
});

describe("a winery in setup", () => {
  it("holds its orders on purpose: hours of waiting send no silence warning until it goes live", async () => {
    const t0 = nextStretch();
    const w = await tenant("Setting Up", { silenceMinutes: 60 });
    await db.tenant.update({ where: { id: w.tenant.id }, data: { status: "SETUP" } });
    for (const [name, status] of [["#1", "HELD"], ["#2", "PENDING"]] as const) {
      await db.orderSync.create({
        data: { tenantId: w.tenant.id, orderGid: `gid://shopify/Order/${unique()}`, orderName: name, source: "WEBHOOK", status, createdAt: new Date(t0 - 600 * MIN) },
      });
    }
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0), deps)).sent).toEqual([]);
    expect(await db.alertState.count({ where: { tenantId: w.tenant.id, open: true } })).toBe(0);
    expect(mailsTo(w.optedIn[0])).toEqual([]);

    // The same wait once the winery is live is silence.
    await db.tenant.update({ where: { id: w.tenant.id }, data: { status: "ACTIVE" } });
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps)).sent.map((s) => s.kind)).toEqual(["SILENCE"]);
  });
});

describe("resolved", () => {
  it("a condition that fires then clears sends exactly one resolved message, even with two instances running the cycle", async () => {
    const t0 = nextStretch();
    const w = await tenant("Clear Springs", { silenceMinutes: 60, optedIn: 2 });
    const waiting = await db.orderSync.create({
      data: { tenantId: w.tenant.id, orderGid: `gid://shopify/Order/${unique()}`, orderName: "#1", source: "WEBHOOK", status: "PENDING", createdAt: new Date(t0 - 90 * MIN) },
    });
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0), deps)).sent.map((s) => s.kind)).toEqual(["SILENCE"]);
    // Still silent: nothing more, and nothing resolved.
    expect((await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps)).sent).toEqual([]);

    await db.orderSync.update({ where: { id: waiting.id }, data: { status: "SYNCED", syncedAt: new Date(t0 + 2 * MIN) } });
    const runs = await Promise.all([
      runTenantAlerts(db, w.tenant.id, new Date(t0 + 3 * MIN), deps),
      runTenantAlerts(db, w.tenant.id, new Date(t0 + 3 * MIN), { ...deps, owner: "test-b" }),
    ]);
    expect(runs.flatMap((r) => r.sent).map((s) => s.kind)).toEqual(["RESOLVED"]);
    // Later cycles, the condition staying clear: never again.
    await runTenantAlerts(db, w.tenant.id, new Date(t0 + 4 * MIN), deps);
    await runTenantAlerts(db, w.tenant.id, new Date(t0 + 20 * MIN), deps);

    expect(await db.alert.count({ where: { tenantId: w.tenant.id, kind: "RESOLVED" } })).toBe(1);
    for (const email of w.optedIn) {
      const resolved = mailsTo(email, /resolved/);
      expect(resolved).toHaveLength(1);
      expect(resolved[0].subject).toBe(`${w.tenant.name}: resolved: no order was reaching vintrace`);
      expect(resolved[0].text).toContain("Orders are reaching vintrace again.");
    }
    expect(mailsTo(w.optedOut[0])).toHaveLength(0);
    expect(chat.messages(w.hookName).filter((m) => m.text.includes("resolved"))).toHaveLength(1);
  });

  it("a condition whose opening was not alerted clears without a resolved message", async () => {
    // The key refused: its alert tells it, and the failures at the same moment are not alerted on their own.
    const now = () => new Date();
    const w = await tenant("Quiet Clearing");
    await fail(w.tenant.id, "AUTH", 3);
    expect((await runTenantAlerts(db, w.tenant.id, now(), deps)).sent.map((s) => s.kind)).toEqual(["AUTH_FAILING"]);
    const failing = await db.alertState.findUniqueOrThrow({ where: { tenantId_condition: { tenantId: w.tenant.id, condition: "FAILING" } } });
    expect(failing.open).toBe(true);
    // Hours later, no failure since and an order through: both clear, only the alerted one is resolved.
    await db.orderSync.create({
      data: { tenantId: w.tenant.id, orderGid: `gid://shopify/Order/ok-${unique()}`, orderName: "#ok", source: "WEBHOOK", status: "SYNCED", syncedAt: now() },
    });
    const later = new Date(Date.now() + ALERT_POLICY.quietPeriodMs + W);
    const result = await runTenantAlerts(db, w.tenant.id, later, deps);
    expect(result.cleared.map((c) => c.condition).sort()).toEqual(["AUTH_FAILING", "FAILING"]);
    expect(result.sent.map((s) => s.kind).filter((k) => k === "RESOLVED")).toHaveLength(1);
    expect(mailsTo(w.optedIn[0], /resolved/).map((m) => m.subject)).toEqual([`${w.tenant.name}: resolved: vintrace was refusing our API key`]);
  });
});

describe("support", () => {
  it("support staff who opted in get one cross-winery digest per window, and the support chat webhook too", async () => {
    const t0 = nextStretch();
    // What earlier tests left for the support team goes out first, before anyone here is listening.
    await runSupportDigest(db, new Date(t0 + MIN), deps);
    const [a, b] = [await tenant("Alpha Ridge"), await tenant("Beta Flats")];
    const inStaff = await db.user.create({ data: { email: `support-in-${unique()}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
    const outStaff = await db.user.create({ data: { email: `support-out-${unique()}@winehub.test`, role: "SUPPORT" } });
    await fail(a.tenant.id, "VALIDATION", 4);
    await fail(b.tenant.id, "AUTH", 2);
    await runAlertCycle(db, new Date(t0 + MIN), deps);
    const result = await runAlertCycle(db, new Date(t0 + W + MIN), deps);
    expect(result.sent.filter((s) => s.kind === "SUPPORT_DIGEST")).toHaveLength(1);
    expect((await runSupportDigest(db, new Date(t0 + W + 2 * MIN), { ...deps, owner: "test-b" })).sent).toEqual([]);
    const mails = mailsTo(inStaff.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^vintrace-sync support digest: \d+ failed orders/);
    expect(mails[0].text).toContain(`${a.tenant.name}: 4`);
    expect(mails[0].text).toContain(`${b.tenant.name}: 2`);
    expect(mails[0].text).toContain(`${b.tenant.name}: vintrace is refusing the API key`);
    expect(mailsTo(outStaff.email)).toHaveLength(0);
    expect(chat.messages("support").some((m) => m.text.includes(a.tenant.name))).toBe(true);
  });
});

describe("support hears of failing webhook subscriptions", () => {
  it("the support digest lists a subscription check that failed, not one that only created subscriptions", async () => {
    const t0 = nextStretch();
    await runSupportDigest(db, new Date(t0 + MIN), deps);
    const [broken, fine] = [await tenant("Deaf Hollow"), await tenant("Fine Acres")];
    const staff = await db.user.create({ data: { email: `support-hooks-${unique()}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
    const at = new Date(t0 + W + MIN);
    await db.auditEvent.create({
      data: { action: "shopify.webhook_subscriptions", tenantId: broken.tenant.id, createdAt: at, details: { created: [], removed: [], failures: [{ topic: "orders/create", message: "access denied" }] } },
    });
    await db.auditEvent.create({ data: { action: "shopify.webhook_subscriptions", tenantId: fine.tenant.id, createdAt: at, details: { created: ["orders/create"], removed: [], failures: [] } } });
    await runSupportDigest(db, new Date(t0 + 2 * W + MIN), deps);
    const [mail] = mailsTo(staff.email);
    expect(mail.text).toContain(`${broken.tenant.name}: Shopify webhook subscriptions could not be set up`);
    expect(mail.text).toContain("access denied");
    expect(mail.text).not.toContain(fine.tenant.name);
  });
});

describe("test alerts and failing recipients", () => {
  it("sends a test alert to every recipient and records each outcome, a failing webhook included", async () => {
    const w = await tenant("Test Bench", { optedIn: 2 });
    chat.failWith(500);
    const sent = await sendTestAlert(db, w.tenant.id, "cli", deps);
    chat.failWith(null);
    expect(sent.deliveries.map((d) => [d.channel, d.recipient, d.ok])).toEqual([
      ["EMAIL", w.optedIn[0], true],
      ["EMAIL", w.optedIn[1], true],
      ["CHAT", `Winery Slack (${chat.origin})`, false],
    ]);
    expect(sent.deliveries[2].error).toContain("500");
    for (const email of w.optedIn) expect(mailsTo(email, /test alert/)).toHaveLength(1);
    const stored = await db.alert.findUniqueOrThrow({ where: { id: sent.alertId }, include: { deliveries: true } });
    expect(stored.kind).toBe("TEST");
    expect(stored.deliveries).toHaveLength(3);
  });
});

describe("retention", () => {
  it("drops alerts and reported ledger entries older than the retention period, once a day", async () => {
    const w = await tenant("Old Vintage");
    // A day no earlier test has run the cycle in (pruning is claimed once per day).
    const now = new Date(Date.now() + 3 * 24 * 60 * MIN);
    const longAgo = new Date(now.getTime() - 100 * 24 * 60 * MIN);
    const old = await db.alert.create({ data: { tenantId: w.tenant.id, kind: "TEST", subject: "old", text: "old", createdAt: longAgo } });
    const recent = await db.alert.create({ data: { tenantId: w.tenant.id, kind: "TEST", subject: "new", text: "new" } });
    await db.alertFailure.create({ data: { orderSyncId: `gone-${unique()}`, attempt: 1, tenantId: w.tenant.id, seenAt: longAgo, digestId: "d", supportDigestId: "s" } });
    await runAlertCycle(db, now, { ...deps, policy: { retentionDays: 90 } });
    expect(await db.alert.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await db.alert.findUnique({ where: { id: recent.id } })).not.toBeNull();
    expect(await db.alertFailure.count({ where: { tenantId: w.tenant.id } })).toBe(0);
    const again = await db.alert.create({ data: { tenantId: w.tenant.id, kind: "TEST", subject: "old too", text: "old", createdAt: longAgo } });
    await runAlertCycle(db, new Date(now.getTime() + MIN), { ...deps, policy: { retentionDays: 90 } });
    expect(await db.alert.findUnique({ where: { id: again.id } })).not.toBeNull(); // pruning ran already today
  });
});

describe("changed after sending", () => {
  const sentKinds = (result: { sent: { kind: string }[] }) => result.sent.map((s) => s.kind);

  it("the winery's digest tells of a new change once, with no failure to report, to the people who opted in; again once the entry is opened again", async () => {
    const t0 = nextStretch();
    const w = await tenant("Changed Creek");
    const order = await sentOrder(db, w.tenant.id, "#2001", "SO-2001");
    const change = await addChange(db, order, editedDetails());
    // Handled before any digest ran: nothing to tell.
    const quick = await addChange(db, await sentOrder(db, w.tenant.id, "#2002"), cancelledDetails(), { handledAt: new Date(), handledBy: "x@winery.test" });

    const first = await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps);
    expect(sentKinds(first)).toEqual(["DIGEST"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(mail.subject).toBe(`${w.tenant.name}: 1 order changed in Shopify after sending to vintrace`);
    expect(mail.text).toContain("#2001 (vintrace SO-2001): Edited: 1 line added, 1 line removed, 1 line changed; Shipping");
    expect(mail.text).toContain(`${appUrl}/orders/${order.id}?winery=${w.tenant.id}`);
    expect(mail.text).toContain(`${appUrl}/changes?winery=${w.tenant.id}`);
    expect(mail.text).toContain("make the change there, then mark the entry handled");
    expect(mail.text).not.toContain("#2002");
    expect(mailsTo(w.optedOut[0])).toHaveLength(0);
    expect(chat.messages(w.hookName)).toHaveLength(1);
    expect(chat.messages(w.hookName)[0].text).toContain("#2001");

    const alert = await db.alert.findUniqueOrThrow({ where: { id: first.sent[0].alertId } });
    expect(alert).toMatchObject({ kind: "DIGEST", failureCount: 0, tenantId: w.tenant.id });
    const told = await db.orderChange.findUniqueOrThrow({ where: { id: change.id } });
    expect(told.digestId).toBe(alert.id);
    // Taking it for the digest is not a change to the entry: a person who read it before can still mark it handled.
    expect(told.updatedAt).toEqual(change.updatedAt);
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: quick.id } })).digestId).toBeNull();

    // Told once: the next window sends nothing.
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + 2 * W + MIN), deps))).toEqual([]);

    // Marked handled, then Shopify changes the order again: the worker opens the entry again, and it is told again.
    await db.orderChange.update({ where: { id: change.id }, data: { handledAt: new Date(), handledBy: w.optedIn[0] } });
    await db.orderChange.update({ where: { id: change.id }, data: { handledAt: null, handledBy: null, digestId: null, details: { ...editedDetails(), other: [] } } });
    catcher.clear();
    const again = await runTenantAlerts(db, w.tenant.id, new Date(t0 + 3 * W + MIN), deps);
    expect(sentKinds(again)).toEqual(["DIGEST"]);
    const second = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(second.text).toContain("#2001 (vintrace SO-2001): Edited: 1 line added, 1 line removed, 1 line changed");
    expect(second.text).not.toContain("; Shipping");
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: change.id } })).digestId).toBe(again.sent[0].alertId);
  });

  it("the winery's digest tells of failures and changes together", async () => {
    const t0 = nextStretch();
    const w = await tenant("Both Ways");
    // Two failures: the first is alerted at once, the second waits for the digest with the change.
    await fail(w.tenant.id, "CONFIG", 2);
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + MIN), deps))).toEqual(["FIRST_FAILURE"]);
    await addChange(db, await sentOrder(db, w.tenant.id, "#3003", "SO-3003"), refundedDetails());
    catcher.clear();

    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(t0 + W + MIN), deps))).toEqual(["DIGEST"]);
    const mail = await catcher.waitFor((m) => m.to.includes(w.optedIn[0]));
    expect(mail.subject).toBe(`${w.tenant.name}: 1 order could not be sent to vintrace; 1 order changed after sending`);
    expect(mail.text).toContain("The settings do not match vintrace (1)");
    expect(mail.text).toContain("#3003 (vintrace SO-3003): Refunded 45.00 AUD in 2 refunds");
  });

  it("support's digest lists the entries unhandled for over 3 days once a day, each once, and neither a younger nor a handled one", async () => {
    const HOUR = 60 * MIN;
    const DAY = 24 * HOUR;
    const t0 = nextStretch();
    // What earlier tests left for the support team goes out first, before anyone here is listening.
    await runSupportDigest(db, new Date(t0 + MIN), deps);
    const day = Math.ceil((t0 + W) / DAY) * DAY;
    const w = await tenant("Slow Hands");
    const staff = await db.user.create({ data: { email: `support-changes-${unique()}@winehub.test`, role: "SUPPORT", supportAlertEmails: true } });
    // The winery was told of each entry already.
    const detected = (at: number) => ({ detectedAt: new Date(at), digestId: "told" });
    const overdue = await addChange(db, await sentOrder(db, w.tenant.id, "#4001", "SO-4001"), cancelledDetails({ reason: "declined" }), detected(day - OVERDUE_AFTER_MS - HOUR));
    // Three days old from two hours into the day, after the day's list went out.
    const later = await addChange(db, await sentOrder(db, w.tenant.id, "#4002"), refundedDetails(), detected(day + 2 * HOUR - OVERDUE_AFTER_MS));
    // Two days old on the next day.
    await addChange(db, await sentOrder(db, w.tenant.id, "#4003"), editedDetails(), detected(day - DAY));
    await addChange(db, await sentOrder(db, w.tenant.id, "#4004"), editedDetails(), { ...detected(day - 5 * DAY), handledAt: new Date(day - DAY), handledBy: "x@winery.test" });

    const first = await runSupportDigest(db, new Date(day + MIN), deps);
    expect(sentKinds(first)).toEqual(["SUPPORT_DIGEST"]);
    const [mail] = mailsTo(staff.email);
    expect(mail.subject).toBe("vintrace-sync support digest: 0 failed orders, 1 order changed after sending, unhandled for over 3 days");
    expect(mail.text).toContain(`${w.tenant.name}: #4001 (vintrace SO-4001): Cancelled: payment declined`);
    expect(mail.text).toContain(`${appUrl}/orders/${overdue.orderSyncId}?winery=${w.tenant.id}`);
    for (const other of ["#4002", "#4003", "#4004"]) expect(mail.text).not.toContain(other);
    expect(chat.messages("support").at(-1)?.text).toContain("1 order changed after sending, unhandled for over 3 days across 1 winery");
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: overdue.id } })).supportDigestId).toBe(first.sent[0].alertId);
    // Nor does the winery's own digest tell of them again.
    expect(sentKinds(await runTenantAlerts(db, w.tenant.id, new Date(day + W + MIN), deps))).toEqual([]);

    // Later the same day #4002 is overdue too, but the day's list has gone out: it waits for tomorrow's.
    expect(sentKinds(await runSupportDigest(db, new Date(day + 3 * HOUR), deps))).toEqual([]);
    catcher.clear();
    const next = await runSupportDigest(db, new Date(day + DAY + MIN), deps);
    expect(sentKinds(next)).toEqual(["SUPPORT_DIGEST"]);
    const [nextMail] = mailsTo(staff.email);
    expect(nextMail.text).toContain("#4002");
    for (const other of ["#4001", "#4003", "#4004"]) expect(nextMail.text).not.toContain(other);
    expect((await db.orderChange.findUniqueOrThrow({ where: { id: later.id } })).supportDigestId).toBe(next.sent[0].alertId);
  });
});
