import { resetPassword } from "@/server/auth/password-reset";
import { noStore, readJsonBody, refusalResponse } from "@/server/auth/public-forms";
import { getDb } from "@/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const REFUSAL_STATUS = { weak_password: 400, busy: 429, expired: 410, used: 410, unknown: 410 } as const;

export async function POST(request: Request) {
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const result = await resetPassword(getDb(), read.body);
  return result.ok ? Response.json({ email: result.email }, { headers: noStore }) : refusalResponse(result, REFUSAL_STATUS[result.reason]);
}
