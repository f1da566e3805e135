import { FORGOT_PASSWORD_ANSWER, FORGOT_PASSWORD_LIMITED, requestPasswordReset } from "@/server/auth/password-reset";
import { answerNoSoonerThan, clientAddressOf, noStore, readJsonBody } from "@/server/auth/public-forms";
import { getDb } from "@/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The same answer, after the same floor, for every email: the mail (if any) is sent after answering. */
const ANSWER_FLOOR_MS = 400;

export async function POST(request: Request) {
  const startedAt = Date.now();
  const read = await readJsonBody(request);
  if (!read.ok) return read.response;
  const outcome = await requestPasswordReset(getDb(), read.body, clientAddressOf(request));
  await answerNoSoonerThan(startedAt, ANSWER_FLOOR_MS);
  return outcome.limited
    ? Response.json({ message: FORGOT_PASSWORD_LIMITED }, { status: 429, headers: noStore })
    : Response.json({ message: FORGOT_PASSWORD_ANSWER }, { status: 200, headers: noStore });
}
