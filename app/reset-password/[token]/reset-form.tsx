"use client";

import { buttonClass, inputClass } from "../../../components/auth-card";
import { useSetPasswordAndSignIn } from "../../../components/auth-set-password";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const { error, busy, onSubmit } = useSetPasswordAndSignIn({
    url: "/api/password/reset",
    token,
    email,
    confirmed: true,
    refused: "The password could not be changed. Try again.",
    signInFailed: "Your password is changed, but signing in failed. Sign in from the sign-in page.",
  });

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <div>
        <label htmlFor="reset-email" className="block text-sm font-medium text-slate-700">Email</label>
        <input id="reset-email" value={email} readOnly autoComplete="username" className={`${inputClass} bg-slate-50 text-slate-600`} />
      </div>
      <div>
        <label htmlFor="reset-password" className="block text-sm font-medium text-slate-700">New password</label>
        <input id="reset-password" name="password" type="password" required minLength={10} maxLength={200} autoComplete="new-password" className={inputClass} />
        <p className="mt-1 text-xs text-slate-500">At least 10 characters. Changing it signs you out everywhere else.</p>
      </div>
      <div>
        <label htmlFor="reset-confirm" className="block text-sm font-medium text-slate-700">Repeat the new password</label>
        <input id="reset-confirm" name="confirm" type="password" required minLength={10} maxLength={200} autoComplete="new-password" className={inputClass} />
      </div>
      {error && <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p>}
      <button type="submit" disabled={busy} className={buttonClass}>{busy ? "Saving…" : "Set new password and sign in"}</button>
    </form>
  );
}
