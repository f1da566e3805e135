import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/server/observability/request-id";
import { CSP_HEADER, requestSecurityHeaders } from "@/server/security-headers";

// Runs before every request, static files and unknown paths included, so every response carries the security
// headers. The policy also goes on the request: Next.js takes the nonce from it for the scripts it renders.
// So does the request id (the caller's, when it is safe, or a new one): route handlers log under it, and the
// response names it, so a caller can quote it when asking about a request.
export function proxy(request: NextRequest): NextResponse {
  const headers = requestSecurityHeaders();
  const forwarded = new Headers(request.headers);
  forwarded.set(CSP_HEADER, headers[CSP_HEADER]);
  const requestId = requestIdFrom(request.headers);
  forwarded.set(REQUEST_ID_HEADER, requestId);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

// Every path but Shopify's webhook route, which sets the same headers itself (server/http/unproxied-route.ts says
// why). Next.js reads the matcher at build time, so it must be a literal here. e2e/foundation/headers.spec.ts checks
// the route's answers and the paths beside it.
export const config = {
  matcher: ["/((?!api/webhooks/shopify$).*)"],
};
