// Routes that proxy.ts does not run for (its matcher leaves them out) set what the proxy would have set, here: the
// security headers and the request id, on every answer they give.
//
// Only Shopify's webhook route is one. It carries the load (Shopify delivers every order and every change to it,
// and gives up on a delivery after 5 s), and running the proxy, which this JSON-in, text-out endpoint needs nothing
// from, was about a tenth of a delivery's CPU (bench/README.md).
import "server-only";
import { withLogContext } from "@/server/observability/log";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/server/observability/request-id";
import { requestSecurityHeaders } from "@/server/security-headers";

function withHeaders(response: Response, requestId: string): Response {
  for (const [name, value] of Object.entries(requestSecurityHeaders())) response.headers.set(name, value);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

/** Answers under the request's id (the caller's, when it is safe, or a new one), with the headers on the response. */
export async function answerUnproxied(request: Request, respond: () => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(request.headers);
  return withHeaders(await withLogContext({ requestId }, respond), requestId);
}

/** The answer to a method the route does not take: Next.js's own 405 would go out without the headers. */
export function methodNotAllowed(allow: string): (request: Request) => Promise<Response> {
  return (request) => answerUnproxied(request, async () => new Response(null, { status: 405, headers: { Allow: allow } }));
}
