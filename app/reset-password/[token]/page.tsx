import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { LinkProblem } from "@/components/auth-link-problem";
import { ResetPasswordForm } from "@/app/reset-password/[token]/reset-form";
import { resetLinkForPage } from "@/server/auth/pages";

export const dynamic = "force-dynamic";
// The token is in the address: never hand it to another site as a referrer.
export const metadata: Metadata = { title: "Choose a new password · vintrace-sync", referrer: "no-referrer" };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await resetLinkForPage(token);
  if (view.state !== "valid") return <LinkProblem kind="reset" state={view.state} />;
  return (
    <AuthCard title="Choose a new password">
      <ResetPasswordForm token={token} email={view.email} />
    </AuthCard>
  );
}
