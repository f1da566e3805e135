import { describe, expect, it } from "vitest";
import { BusyError, createLimiter } from "./limiter";

describe("the work limiter", () => {
  it("runs a few at once, queues a bounded number more, refuses the rest, and takes work again once there is room", async () => {
    const limiter = createLimiter({ concurrency: 2, queue: 3 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started = 0;
    const task = async () => {
      started++;
      await gate;
      return "done";
    };
    const admitted = Array.from({ length: 5 }, () => limiter.run(task));
    expect([limiter.running, limiter.waiting]).toEqual([2, 3]);
    await expect(limiter.run(task)).rejects.toBeInstanceOf(BusyError);
    expect(started).toBe(2);

    open();
    expect(await Promise.all(admitted)).toEqual(Array(5).fill("done"));
    expect([limiter.running, limiter.waiting]).toEqual([0, 0]);
    await expect(limiter.run(async () => "again")).resolves.toBe("again");
  });

  it("frees the slot of a task that throws", async () => {
    const limiter = createLimiter({ concurrency: 1, queue: 0 });
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limiter.run(async () => 1)).resolves.toBe(1);
  });
});
