import { describe, expect, it } from "vitest";
import { canAccessTenant, isOwner, visibleTenantIds } from "@/server/auth/access";

// The one rule for who reaches which winery, which the tRPC builders and the CSV export both ask.

const support = { role: "SUPPORT" as const, tenantIds: [], ownerOf: [] };
const staff = { role: "MERCHANT" as const, tenantIds: ["a", "b"], ownerOf: ["a"] };

describe("winery access", () => {
  it("support staff reach and own every winery, and see them all", () => {
    expect(canAccessTenant(support, "x")).toBe(true);
    expect(isOwner(support, "x")).toBe(true);
    expect(visibleTenantIds(support)).toBeNull();
  });

  it("a winery user reaches only their wineries, and owns only those they own", () => {
    expect([canAccessTenant(staff, "a"), canAccessTenant(staff, "b"), canAccessTenant(staff, "x")]).toEqual([true, true, false]);
    expect([isOwner(staff, "a"), isOwner(staff, "b"), isOwner(staff, "x")]).toEqual([true, false, false]);
    expect(visibleTenantIds(staff)).toEqual(["a", "b"]);
  });
});
