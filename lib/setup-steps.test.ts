import { describe, expect, it } from "vitest";
import { durationWords, SETUP_STEPS, setupProgress, setupStepLabel } from "./setup-steps";

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

describe("the setup steps", () => {
  it("are the wizard's steps in its order, each with its words", () => {
    expect(SETUP_STEPS.map((s) => s.step)).toEqual(["CONNECT", "PRODUCTS", "SENDING", "PREVIEW", "GO_LIVE"]);
    expect(setupStepLabel("CONNECT")).toBe("Connect vintrace");
    expect(setupStepLabel("SENDING")).toBe("How orders are sent");
  });

  it("say how long in whole units", () => {
    expect(durationWords(30_000)).toBe("under a minute");
    expect(durationWords(60_000)).toBe("1 minute");
    expect(durationWords(59 * 60_000)).toBe("59 minutes");
    expect(durationWords(2 * HOUR + 59 * 60_000)).toBe("2 hours");
    expect(durationWords(DAY)).toBe("1 day");
    expect(durationWords(3 * DAY - 1)).toBe("2 days");
  });

  it("mark a winery stuck from three days on one step, and only a winery in setup", () => {
    const now = new Date("2026-12-02T09:00:00Z");
    const since = (ms: number) => new Date(now.getTime() - ms);
    expect(setupProgress({ status: "SETUP", setupStep: "PRODUCTS", setupStepSince: since(3 * DAY - 60_000) }, now)).toMatchObject({ stuck: false, age: "2 days" });
    expect(setupProgress({ status: "SETUP", setupStep: "PRODUCTS", setupStepSince: since(3 * DAY) }, now)).toMatchObject({ label: "Products", stuck: true, age: "3 days" });
    expect(setupProgress({ status: "ACTIVE", setupStep: "PRODUCTS", setupStepSince: since(9 * DAY) }, now)).toBeNull();
    expect(setupProgress({ status: "SETUP", setupStep: null, setupStepSince: null }, now)).toBeNull();
  });
});
