// Route handlers run their work inside the request's log context. proxy.ts has already put a checked
// X-Request-Id on the request and the response; a route the proxy skips has it in the context already
// (server/http/unproxied-route.ts); a handler called directly (tests) gets an id of its own.
import "server-only";
import { currentLogContext, withLogContext, type LogContext } from "./log";
import { requestIdFrom } from "./request-id";

export function withRequestContext<T>(request: Request, fn: () => T, fields: Omit<LogContext, "requestId"> = {}): T {
  return withLogContext({ ...fields, requestId: currentLogContext().requestId ?? requestIdFrom(request.headers) }, fn);
}
