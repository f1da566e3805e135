"use client";

// The Account page's password and session controls: change the password (with the current one), and sign out
// everywhere, which ends every session of this user on the server, then this browser's cookie.
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc";
import { Button, Card, Field, Notice, TextInput } from "@/components/ui";

const MIN_PASSWORD_LENGTH = 10;

export function ChangePasswordCard() {
  const trpc = useTRPC();
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const [mismatch, setMismatch] = useState(false);
  const fieldErrors = change.error?.data?.fieldErrors as Record<string, string[] | undefined> | undefined;
  const newPasswordError = mismatch ? "The two new passwords are not the same." : fieldErrors?.newPassword?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = String(form.get("newPassword") ?? "");
    const same = newPassword === String(form.get("confirmPassword") ?? "");
    setMismatch(!same);
    if (!same) return;
    change.mutate({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword }, { onSuccess: () => formElement.reset() });
  }

  return (
    <Card title="Password">
      <form method="post" onSubmit={onSubmit} className="max-w-sm space-y-3">
        <Field id="currentPassword" label="Current password">
          <TextInput id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required />
        </Field>
        <Field id="newPassword" label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={newPasswordError}>
          <TextInput id="newPassword" name="newPassword" type="password" autoComplete="new-password" minLength={MIN_PASSWORD_LENGTH} required invalid={Boolean(newPasswordError)} />
        </Field>
        <Field id="confirmPassword" label="Repeat the new password">
          <TextInput id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" required />
        </Field>
        {change.error && !fieldErrors && <Notice tone="error">{change.error.message}</Notice>}
        {change.isSuccess && (
          <Notice tone="success" testId="password-changed">
            Password changed. Your other sessions are signed out, and we sent you a mail about the change.
          </Notice>
        )}
        <Button type="submit" variant="primary" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </Button>
      </form>
      <p className="mt-3 text-sm text-slate-600">
        Forgot it? <a href="/forgot-password" className="text-indigo-700 underline">Ask for a reset link</a> instead.
      </p>
    </Card>
  );
}

export function SessionsCard() {
  const trpc = useTRPC();
  const everywhere = useMutation(trpc.account.signOutEverywhere.mutationOptions({ onSuccess: () => void signOut({ callbackUrl: "/login" }) }));
  return (
    <Card title="Sessions">
      <p className="mb-3 text-sm text-slate-600">
        Signed in on a computer you no longer use, or think someone else is? Sign out everywhere ends every session of yours, this one included.
      </p>
      {everywhere.error && <div className="mb-3"><Notice tone="error">{everywhere.error.message}</Notice></div>}
      <Button variant="danger" onClick={() => everywhere.mutate()} disabled={everywhere.isPending || everywhere.isSuccess}>
        {everywhere.isPending || everywhere.isSuccess ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </Card>
  );
}
