import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Where next-auth tells the login page's fetch to go next ({url}); a plain redirect is left alone. */
async function redirectTarget(response: Response): Promise<string | null> {
  if (!response.headers.get("content-type")?.includes("application/json")) return null;
  const body = (await response.clone().json()) as { url?: unknown };
  return typeof body.url === "string" ? body.url : null;
}

/** A sign-in refused because the server had too many passwords to check answers 429, with the same body. */
async function busyAs429(response: Response): Promise<Response> {
  const target = await redirectTarget(response);
  if (!target || new URL(target, "http://x").searchParams.get("error") !== "busy") return response;
  const headers = new Headers(response.headers);
  headers.set("Retry-After", "5");
  return new Response(response.body, { status: 429, headers });
}

async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const response: Response = await NextAuth(authOptions())(req, ctx);
  return req.method === "POST" ? busyAs429(response) : response;
}

export { handler as GET, handler as POST };
