// Support's digest lists, once a day, every winery stuck on one setup step for three days or more, with a link to it;
// a winery two days on its step, or live, is not listed. Real PostgreSQL, this file's own database.
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { SetupStep, TenantStatus } from "@/server/generated/prisma/client";
import { createMailer } from "@/server/mail/mailer";
import { uniqueLabel } from "@/test/support/sync";
import { runSupportDigest, type AlertDeps } from "./cycle";

const db = createPrisma();
afterAll(() => db.$disconnect());

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const appUrl = "http://app.test";
const posted: string[] = [];
const deps: AlertDeps = {
  mailer: createMailer({ from: "vintrace-sync <alerts@test>", log: () => {} }),
  postChat: async (_url, text) => {
    posted.push(text);
    return { ok: true };
  },
  supportWebhookUrl: "https://chat.test/support",
  appUrl,
  owner: "test",
};
/** Midday UTC: the runs below stay within one UTC day, then the next. */
const noon = new Date(Math.floor(Date.now() / DAY) * DAY + DAY / 2);

async function winery(status: TenantStatus, step: SetupStep, onStepFor: number) {
  const label = uniqueLabel("stuck");
  return db.tenant.create({ data: { name: label, shopDomain: `${label}.myshopify.com`, status, setupStep: step, setupStepSince: new Date(noon.getTime() - onStepFor) } });
}

async function digestText(at: Date) {
  const result = await runSupportDigest(db, at, deps);
  expect(result.errors).toEqual([]);
  const sent = result.sent.filter((s) => s.kind === "SUPPORT_DIGEST");
  if (sent.length === 0) return null;
  return db.alert.findUniqueOrThrow({ where: { id: sent[0].alertId } });
}

describe("wineries stuck in setup, in support's digest", () => {
  it("lists a winery three days on one step, not one two days on it nor a live one, once a day", async () => {
    const stuck = await winery("SETUP", "PRODUCTS", 3 * DAY + MIN);
    const recent = await winery("SETUP", "CONNECT", 2 * DAY);
    const live = await winery("ACTIVE", "GO_LIVE", 10 * DAY);

    const digest = await digestText(noon);
    expect(digest?.subject).toMatch(/, 1 winery stuck in setup$/);
    expect(digest?.text).toContain(`${stuck.name}: on "Products" for 3 days`);
    expect(digest?.text).toContain(`${appUrl}/?winery=${stuck.id}`);
    for (const other of [recent, live]) expect(digest?.text).not.toContain(other.name);
    expect(posted.at(-1)).toContain(`${stuck.name}: on "Products" for 3 days`);

    // Later the same day there is nothing new to say.
    expect(await digestText(new Date(noon.getTime() + 30 * MIN))).toBeNull();

    // The next day both are listed, the longest stuck first.
    const tomorrow = await digestText(new Date(noon.getTime() + DAY));
    expect(tomorrow?.subject).toMatch(/, 2 wineries stuck in setup$/);
    expect(tomorrow?.text).toContain(`${recent.name}: on "Connect vintrace" for 3 days`);
    expect(tomorrow?.text.indexOf(stuck.name)).toBeLessThan(tomorrow?.text.indexOf(recent.name) ?? -1);
  });
});
