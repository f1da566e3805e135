import { signIn } from "next-auth/react";

/** After an invitation or a reset has set the password: sign in with it, as the login form would. */
export async function signInWith(email: string, password: string): Promise<boolean> {
  const result = await signIn("credentials", { redirect: false, email, password });
  return Boolean(result && !result.error);
}
