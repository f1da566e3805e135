// Support's directory of wineries: a winery in setup shows where it is in the setup wizard and for how long, and is
// marked stuck once it has been on one step for three days.
import { describe, expect, it } from "vitest";
import { createPrisma } from "@/server/db";
import type { SetupStep, TenantStatus } from "@/server/generated/prisma/client";
import { uniqueLabel } from "@/test/support/sync";
import { tenantDirectory } from "./directory";

const db = createPrisma();
const now = new Date();
const HOUR = 60 * 60_000;

async function winery(status: TenantStatus, step: SetupStep | null, hoursOnStep: number) {
  const label = uniqueLabel("directory");
  const tenant = await db.tenant.create({
    data: { name: label, shopDomain: `${label}.myshopify.com`, status, setupStep: step, setupStepSince: step ? new Date(now.getTime() - hoursOnStep * HOUR) : null },
  });
  return tenant.id;
}

describe("the wineries directory", () => {
  it("gives each winery in setup its step in words, how long it has been there, and whether it is stuck", async () => {
    const [products, sending, live] = [await winery("SETUP", "PRODUCTS", 5), await winery("SETUP", "SENDING", 24 * 4 + 1), await winery("ACTIVE", null, 0)];
    const directory = await tenantDirectory(db, now);
    const setupOf = (id: string) => directory.find((t) => t.id === id)?.setup;
    expect(setupOf(products)).toEqual({ step: "PRODUCTS", label: "Products", since: new Date(now.getTime() - 5 * HOUR), age: "5 hours", stuck: false });
    expect(setupOf(sending)).toMatchObject({ step: "SENDING", label: "How orders are sent", age: "4 days", stuck: true });
    expect(setupOf(live)).toBeNull();
  });
});
