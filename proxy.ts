import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/server/env";
import { CSP_HEADER, newCspNonce, securityHeaders } from "@/server/security-headers";

// Runs before every request, static files and unknown paths included (no matcher), so every response carries the
// security headers. The policy also goes on the request: Next.js takes the nonce from it for the scripts it renders.
export function proxy(request: NextRequest): NextResponse {
  const headers = securityHeaders({ appUrl: getEnv().APP_URL, nonce: newCspNonce(), development: getEnv().NODE_ENV === "development" });
  const forwarded = new Headers(request.headers);
  forwarded.set(CSP_HEADER, headers[CSP_HEADER]);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
