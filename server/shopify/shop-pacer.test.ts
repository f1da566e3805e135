import { describe, expect, it } from "vitest";
import { ShopPacer } from "@/server/shopify/shop-pacer";

function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe("ShopPacer", () => {
  it("does not hold back a shop it knows nothing about", async () => {
    const clock = fakeClock();
    const pacer = new ShopPacer(clock);
    expect(await pacer.acquire("a.myshopify.com", "OrderById")).toBe(0);
  });

  it("delays only the shop whose bucket is low, by the time its restore rate needs", async () => {
    const clock = fakeClock();
    const pacer = new ShopPacer(clock);
    pacer.record("a.myshopify.com", "ProductVariants", { requestedQueryCost: 502, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 } });
    pacer.record("b.myshopify.com", "ProductVariants", { requestedQueryCost: 502, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1998, restoreRate: 100 } });
    expect(await pacer.acquire("b.myshopify.com", "ProductVariants")).toBe(0);
    expect(await pacer.acquire("a.myshopify.com", "ProductVariants")).toBe(5000);
    expect(clock.sleeps).toEqual([5000]);
  });

  it("reserves what it lets through, so concurrent requests for one shop queue", async () => {
    const clock = fakeClock();
    const pacer = new ShopPacer(clock);
    pacer.record("a.myshopify.com", "TagsAdd", { requestedQueryCost: 10, throttleStatus: { maximumAvailable: 100, currentlyAvailable: 25, restoreRate: 10 } });
    expect(await pacer.acquire("a.myshopify.com", "TagsAdd")).toBe(0);
    expect(await pacer.acquire("a.myshopify.com", "TagsAdd")).toBe(0);
    expect(await pacer.acquire("a.myshopify.com", "TagsAdd")).toBe(500);
  });

  it("never waits for more than the bucket can ever hold", () => {
    const pacer = new ShopPacer(fakeClock());
    pacer.record("a.myshopify.com", "Big", { requestedQueryCost: 5000, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000, restoreRate: 50 } });
    expect(pacer.delayFor("a.myshopify.com", 5000)).toBe(0);
  });
});
