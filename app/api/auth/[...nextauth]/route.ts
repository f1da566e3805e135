import NextAuth from "next-auth";
import { busyAs429 } from "@/server/auth/busy-answer";
import { authOptions } from "@/server/auth/options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  const response: Response = await NextAuth(authOptions())(req, ctx);
  return req.method === "POST" ? busyAs429(response) : response;
}

export { handler as GET, handler as POST };
