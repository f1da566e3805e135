import { AuthCard } from "./auth-card";

type ResetState = "expired" | "used" | "unknown";
type InvitationState = ResetState | "revoked";
type Copy = { title: string; body: string };

const COPY: { invitation: Record<InvitationState, Copy>; reset: Record<ResetState, Copy> } = {
  invitation: {
    expired: {
      title: "This invitation has expired",
      body: "Invitation links work for 7 days. Ask whoever invited you (your winery's owner, or Winehub support) to send a new one.",
    },
    used: {
      title: "This invitation has already been used",
      body: "Each invitation link works once. If you accepted it, sign in with your email and password.",
    },
    revoked: {
      title: "This invitation has been withdrawn",
      body: "Whoever sent it withdrew it, or no longer manages the winery. Ask an owner of the winery, or Winehub support, if you still need access.",
    },
    unknown: {
      title: "This invitation link is not valid",
      body: "Check that you opened the whole link from the mail. If it still does not work, ask for a new invitation.",
    },
  },
  reset: {
    expired: { title: "This reset link has expired", body: "Password reset links work for 1 hour. Ask for a new one." },
    used: { title: "This reset link has already been used", body: "Each reset link works once. Ask for a new one if you still need to change your password." },
    unknown: { title: "This reset link is not valid", body: "Check that you opened the whole link from the mail, or ask for a new one." },
  },
};

/** The clear page for an expired, used, withdrawn or unknown invitation, or an expired, used or unknown reset link. */
export function LinkProblem(props: { kind: "invitation"; state: InvitationState } | { kind: "reset"; state: ResetState }) {
  const { kind, state } = props;
  const copy = props.kind === "invitation" ? COPY.invitation[props.state] : COPY.reset[props.state];
  return (
    <AuthCard title={copy.title}>
      <p data-testid="link-problem" data-state={state} className="mt-4 text-sm text-slate-700">{copy.body}</p>
      <div className="mt-6 flex gap-4 text-sm">
        <a href="/login" className="text-indigo-700 hover:underline">Sign in</a>
        {kind === "reset" && <a href="/forgot-password" className="text-indigo-700 hover:underline">Ask for a new reset link</a>}
      </div>
    </AuthCard>
  );
}
