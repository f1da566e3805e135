// One-shot faults: each matches "METHOD /path-glob" (path below /api/v6; `*` is one path segment, `**` any
// number), fires once, and is removed. 429s and 5xx are not documented by vintrace; they exist so that the
// client's retry, timeout and re-query-before-retry code is exercised.
import type { SimResponse } from "./respond";
import type { Fault } from "./state";

const patterns = new Map<string, RegExp>();

function patternOf(glob: string): RegExp {
  let pattern = patterns.get(glob);
  if (!pattern) {
    const normalised = glob.replace(/\/+$/, "") || "/";
    const source = normalised
      .split(/(\*\*|\*)/)
      .map((part) => (part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    pattern = new RegExp(`^${source}$`);
    patterns.set(glob, pattern);
  }
  return pattern;
}

export function matches(fault: Fault, method: string, path: string): boolean {
  const [faultMethod, glob] = fault.match.trim().split(/\s+/, 2);
  if (!glob) return patternOf(faultMethod).test(path);
  return (faultMethod === "*" || faultMethod.toUpperCase() === method) && patternOf(glob).test(path);
}

/** Removes and returns the first fault that matches the request. */
export function takeFault(queue: Fault[], method: string, path: string): Fault | null {
  const index = queue.findIndex((fault) => matches(fault, method, path));
  return index === -1 ? null : queue.splice(index, 1)[0];
}

export function faultResponse(fault: Fault): SimResponse {
  const status = fault.status ?? 500;
  return {
    status,
    body: fault.body ?? { status: "Error", message: status >= 500 ? "Internal Server Error" : `Simulated ${status}` },
    headers: fault.headers,
    contentType: fault.contentType,
  };
}
