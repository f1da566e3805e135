import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

interface SetPasswordRequest {
  /** where the form POSTs the token and the password */
  url: string;
  token: string;
  email: string;
  /** the form has a "confirm" field that must repeat the password */
  confirmed: boolean;
  /** more of the form to POST with the password */
  extra?: (form: FormData) => Record<string, unknown>;
  /** shown when the POST is refused without a message of its own */
  refused: string;
  /** shown when the password is set but signing in with it fails */
  signInFailed: string;
}

/**
 * The submit of the invitation and password-reset forms: POST the password, then sign in with it as the login
 * form would, and go to the dashboard.
 */
export function useSetPasswordAndSignIn({ url, token, email, confirmed, extra, refused, signInFailed }: SetPasswordRequest) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    if (confirmed && password !== String(form.get("confirm") ?? "")) {
      setError("The two passwords are not the same.");
      return;
    }
    setBusy(true);
    setError(null);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, password, ...extra?.(form) }),
    });
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) {
      setBusy(false);
      setError(body.message ?? refused);
      return;
    }
    const signedIn = await signIn("credentials", { redirect: false, email, password });
    if (!signedIn || signedIn.error) {
      setBusy(false);
      setError(signInFailed);
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return { error, busy, onSubmit };
}
