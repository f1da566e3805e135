// What the server-rendered pages outside tRPC ask of the auth layer (the signed-in viewer, an invitation link, a
// reset link), so that app/ never opens the database itself.
import "server-only";
import { getDb } from "@/server/db";
import { getCurrentUser } from "./current-user";
import { inspectInvitation } from "./invitations";
import { inspectResetToken } from "./password-reset";

export const viewerForPage = () => getCurrentUser(getDb());
export const invitationForPage = (token: string) => inspectInvitation(getDb(), token);
export const resetLinkForPage = (token: string) => inspectResetToken(getDb(), token);
