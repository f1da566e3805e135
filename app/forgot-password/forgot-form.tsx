"use client";

import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "../../components/auth-card";

export function ForgotPasswordForm() {
  const [answer, setAnswer] = useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setBusy(true);
    const res = await fetch("/api/password/forgot", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email }),
    }).catch(() => null);
    const body = res ? ((await res.json().catch(() => ({}))) as { message?: string }) : {};
    setBusy(false);
    setAnswer({ ok: Boolean(res?.ok), message: body.message ?? "Something went wrong. Try again in a moment." });
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4">
      <div>
        <label htmlFor="forgot-email" className="block text-sm font-medium text-slate-700">Email</label>
        <input id="forgot-email" name="email" type="email" autoComplete="username" required maxLength={254} className={inputClass} />
      </div>
      {answer && (
        <p role="status" className={`rounded-md px-3 py-2 text-sm ${answer.ok ? "bg-emerald-50 text-emerald-800" : "bg-red-50 text-red-700"}`}>
          {answer.message}
        </p>
      )}
      <button type="submit" disabled={busy} className={buttonClass}>{busy ? "Sending…" : "Send me a reset link"}</button>
      <p className="text-center text-sm"><a href="/login" className="text-indigo-700 hover:underline">Back to sign in</a></p>
    </form>
  );
}
