import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/server/db";
import { getEnv } from "@/server/env";
import { safeRedirectPath } from "./safeRedirect";
import { signInWithPassword } from "./signIn";

export const SESSION_MAX_AGE_S = 8 * 60 * 60;


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
        async authorize(credentials) {
          const result = await signInWithPassword(getDb(), credentials);
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
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, sv: token.sv };
      },
      async redirect({ url, baseUrl }) {
        return `${baseUrl}${safeRedirectPath(url, baseUrl)}`;
      },
    },
  };
}
