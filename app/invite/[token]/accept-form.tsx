"use client";

import { buttonClass, inputClass } from "../../../components/auth-card";
import { useSetPasswordAndSignIn } from "../../../components/auth-set-password";

export function AcceptInvitationForm({ token, email, hasAccount }: { token: string; email: string; hasAccount: boolean }) {
  const { error, busy, onSubmit } = useSetPasswordAndSignIn({
    url: "/api/invitations/accept",
    token,
    email,
    confirmed: !hasAccount,
    extra: (form) => ({ name: String(form.get("name") ?? "") || undefined }),
    refused: "The invitation could not be accepted. Try again.",
    signInFailed: "Your account is ready, but signing in failed. Sign in from the sign-in page.",
  });

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <div>
        <label htmlFor="invite-email" className="block text-sm font-medium text-slate-700">Email</label>
        <input id="invite-email" value={email} readOnly className={`${inputClass} bg-slate-50 text-slate-600`} />
      </div>
      {!hasAccount && (
        <div>
          <label htmlFor="invite-name" className="block text-sm font-medium text-slate-700">Your name (optional)</label>
          <input id="invite-name" name="name" autoComplete="name" maxLength={120} className={inputClass} />
        </div>
      )}
      <div>
        <label htmlFor="invite-password" className="block text-sm font-medium text-slate-700">
          {hasAccount ? "Your current password" : "Choose a password"}
        </label>
        <input id="invite-password" name="password" type="password" required minLength={hasAccount ? 1 : 10} maxLength={200}
          autoComplete={hasAccount ? "current-password" : "new-password"} className={inputClass} />
        {!hasAccount && <p className="mt-1 text-xs text-slate-500">At least 10 characters.</p>}
      </div>
      {!hasAccount && (
        <div>
          <label htmlFor="invite-confirm" className="block text-sm font-medium text-slate-700">Repeat the password</label>
          <input id="invite-confirm" name="confirm" type="password" required minLength={10} maxLength={200} autoComplete="new-password" className={inputClass} />
        </div>
      )}
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p>}
      <button type="submit" disabled={busy} className={buttonClass}>
        {busy ? "Accepting…" : hasAccount ? "Accept and sign in" : "Set password and sign in"}
      </button>
    </form>
  );
}
