import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, auditFilterGroups } from "@/lib/audit-actions";

// The Audit log page's action filter is built from the list of actions, so every action recorded can be found there.

describe("the audit log's action filter", () => {
  const groups = auditFilterGroups();

  it("offers every recorded action, each once, and nothing else", () => {
    const offered = groups.flatMap((g) => g.actions);
    expect(offered.toSorted()).toEqual([...AUDIT_ACTIONS].toSorted());
    expect(new Set(offered).size).toBe(offered.length);
  });

  it("offers each area as a whole, as the prefix its actions start with", () => {
    for (const group of groups) {
      expect(group.area).toMatch(/^[a-z]+\.$/);
      for (const action of group.actions) expect(action.startsWith(group.area)).toBe(true);
    }
    expect(new Set(groups.map((g) => g.area)).size).toBe(groups.length);
  });

  it("labels every area", () => {
    for (const group of groups) expect(group.label.trim()).not.toBe("");
  });
});
