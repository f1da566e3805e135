import type { ChildProcess } from "node:child_process";
import net from "node:net";

// Small helpers for the scripts that start servers of ours: the demo's stack, the browser tests, the benchmarks.

/** A port nothing listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** The node flags that run one of our TypeScript entry points: tsx, and the hook that lets server modules load. */
export const TS_ENTRY_FLAGS = ["--import", "tsx", "--import", new URL("./server-only-hook.mjs", import.meta.url).href];
