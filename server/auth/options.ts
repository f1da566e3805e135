import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { clientAddressFrom } from "./client-address";
import { safeRedirectPath } from "../../lib/safe-redirect";
import { endSession, IDLE_TIMEOUT_MS, openSession } from "./sessions";
import { signInWithPassword } from "./sign-in";

/** The cookie lives as long as the idle timeout; the server also checks the session row (sessions.ts). */
export const SESSION_MAX_AGE_S = IDLE_TIMEOUT_MS / 1000;

const header = (headers: Record<string, unknown> | undefined, name: string) => {
  const value = headers?.[name];
  return typeof value === "string" ? value : null;
};

export function authOptions(): NextAuthOptions {
  const env = getEnv(); // also sets NEXTAUTH_URL and NEXTAUTH_SECRET, which next-auth v4 reads itself
  return {
    secret: env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    jwt: { maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const clientAddress = clientAddressFrom(header(req.headers, "x-forwarded-for"));
          const result = await signInWithPassword(getDb(), credentials, { clientAddress });
          // The reason becomes the login page's ?error= (its messages are in app/login/login-form.tsx).
          if (!result.ok) throw new Error(result.reason);
          return { id: result.user.id, email: result.user.email, name: result.user.name };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
          token.uid = row.id;
          token.sv = row.sessionVersion;
          token.sid = await openSession(getDb(), row.id);
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, sv: token.sv, sid: token.sid };
      },
      async redirect({ url, baseUrl }) {
        return `${baseUrl}${safeRedirectPath(url, baseUrl)}`;
      },
    },
    events: {
      // Signing out ends the session on the server too, so a copy of the cookie stops working with it.
      async signOut({ token }) {
        if (typeof token?.sid === "string") await endSession(getDb(), token.sid);
      },
    },
  };
}
