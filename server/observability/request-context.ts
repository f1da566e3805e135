// Route handlers run their work inside the request's log context. proxy.ts has already put a checked
// X-Request-Id on the request and the response; a handler called directly (tests) gets an id of its own.
import "server-only";
import { withLogContext, type LogContext } from "./log";
import { requestIdFrom } from "./request-id";

export function withRequestContext<T>(request: Request, fn: () => T, fields: Omit<LogContext, "requestId"> = {}): T {
  return withLogContext({ ...fields, requestId: requestIdFrom(request.headers) }, fn);
}
