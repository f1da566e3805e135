// One scheduled job run, observed: it runs in the job's log context, and its duration and result are logged and
// counted for /api/metrics. What the run returns or throws passes through unchanged.
import "server-only";
import { logger, withLogContext } from "./log";
import { metrics } from "./metrics";

export function observedJobRun<T>(job: string, scope: string, run: () => Promise<T>): Promise<T> {
  return withLogContext({ job, tenantId: scope === "all" ? undefined : scope }, async () => {
    const started = performance.now();
    const done = (result: "ok" | "failed") => {
      const seconds = (performance.now() - started) / 1000;
      metrics().jobRuns.inc({ job, result });
      metrics().jobSeconds.observe({ job }, seconds);
      return { scope, result, ms: Math.round(seconds * 1000) };
    };
    try {
      const value = await run();
      logger().info(done("ok"), "job run");
      return value;
    } catch (error) {
      logger().error({ ...done("failed"), err: error }, "job run failed");
      throw error;
    }
  });
}
