import { afterAll, beforeAll } from "vitest";
import { resetEnvCache } from "@/server/env";
import { resetMailer } from "@/server/mail/mailer";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";

/**
 * For a test file whose code under test uses the process-wide mailer (route handlers, tRPC procedures): a mail
 * catcher for the file, with SMTP_URL and APP_URL pointed at it before the tests and the mailer reset after.
 */
export function catchProcessMail(appUrl: string): { catcher: MailCatcher } {
  const state = {} as { catcher: MailCatcher };
  beforeAll(async () => {
    state.catcher = await startMailCatcher({ httpPort: null });
    process.env.SMTP_URL = state.catcher.smtpUrl;
    process.env.APP_URL = appUrl;
    resetEnvCache();
    resetMailer();
  });
  afterAll(async () => {
    resetMailer();
    await state.catcher.close();
  });
  return state;
}
