import { afterAll, beforeAll } from "vitest";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { setTestEnv } from "./env";

/**
 * For a test file whose code under test uses the process-wide mailer (route handlers, tRPC procedures): a mail
 * catcher for the file, with SMTP_URL and APP_URL pointed at it before the tests and the mailer reset after.
 */
export function catchProcessMail(appUrl: string): { catcher: MailCatcher } {
  const state = {} as { catcher: MailCatcher };
  let restoreEnv = () => {};
  beforeAll(async () => {
    state.catcher = await startMailCatcher({ httpPort: null });
    restoreEnv = setTestEnv({ SMTP_URL: state.catcher.smtpUrl, APP_URL: appUrl });
  });
  afterAll(async () => {
    restoreEnv();
    await state.catcher.close();
  });
  return state;
}
