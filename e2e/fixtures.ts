import { test, expect, type Page } from "@playwright/test";
import { DEMO_LOGINS } from "@/prisma/seed";
import type { DatabaseRuntime } from "@/server/db";

export { test, expect, DEMO_LOGINS };

export interface StackInfo {
  appUrl: string;
  vintraceUrl: string;
  shopifyUrl: string;
  databaseUrl: string;
  /** the stack's database, for a client of the test's own */
  database: DatabaseRuntime;
}

export function stackInfo(): StackInfo {
  const need = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the browser tests through playwright.config.ts (its global setup starts the stack)`);
    return value;
  };
  return {
    appUrl: need("E2E_APP_URL"),
    vintraceUrl: need("E2E_VINTRACE_URL"),
    shopifyUrl: need("E2E_SHOPIFY_URL"),
    databaseUrl: need("DATABASE_URL"),
    database: { url: need("DATABASE_URL"), embedded: process.env.EMBEDDED_DB === "1" },
  };
}

/** Where the stack's mail catcher shows what it caught. */
export function mailUrl(): string {
  const url = process.env.E2E_MAIL_URL;
  if (!url) throw new Error("E2E_MAIL_URL is not set: the e2e stack starts the mail catcher when SMTP_URL is unset (scripts/stack.ts)");
  return url;
}

export async function loginAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${stackInfo().appUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

export const demoLogin = (email: string) => {
  const login = DEMO_LOGINS.find((l) => l.email === email);
  if (!login) throw new Error(`no demo login ${email}`);
  return login;
};
