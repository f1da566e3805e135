import type { Metadata } from "next";
import { AcceptInvitationForm } from "@/app/invite/[token]/accept-form";
import { AuthCard } from "@/components/auth-card";
import { LinkProblem } from "@/components/auth-link-problem";
import { invitationForPage } from "@/server/auth/pages";

export const dynamic = "force-dynamic";
// The token is in the address: never hand it to another site as a referrer.
export const metadata: Metadata = { title: "Accept invitation · vintrace-sync", referrer: "no-referrer" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await invitationForPage(token);
  if (view.state !== "valid") return <LinkProblem kind="invitation" state={view.state} />;
  const place = view.tenantName ?? "the Winehub support team";
  return (
    <AuthCard
      title={`Join ${place}`}
      subtitle={view.hasAccount ? "You already have an account: confirm your password to accept." : "Choose a password to finish setting up your account."}
    >
      <AcceptInvitationForm token={token} email={view.email} hasAccount={view.hasAccount} />
    </AuthCard>
  );
}
