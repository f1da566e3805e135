import { acceptInvitation } from "@/server/auth/invitations";
import { clientAddressOf, noStore, readJsonBody, refusalResponse } from "@/server/auth/public-forms";
import { getDb } from "@/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const STATUS = { expired: 410, used: 410, revoked: 410, not_allowed: 403, unknown: 404, wrong_password: 401, locked: 429, busy: 429, weak_password: 400 } as const;

export async function POST(request: Request) {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const result = await acceptInvitation(getDb(), read.body, { clientAddress: clientAddressOf(request) });
  return result.ok ? Response.json({ email: result.email }, { headers: noStore }) : refusalResponse(result, STATUS[result.reason]);
}
