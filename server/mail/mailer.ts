// Outgoing mail. With SMTP_URL, nodemailer sends over SMTP from MAIL_FROM; without it, mail goes to the log, so a
// developer can still follow an invitation or reset link. The link in such a mail is the secret, so the log shows
// the body only outside production.
import "server-only";
import nodemailer from "nodemailer";
import { getEnv } from "@/server/env";
import { logger } from "@/server/observability/log";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SentMail {
  via: "smtp" | "log";
  messageId: string | null;
}

export interface Mailer {
  readonly via: "smtp" | "log";
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  from: string;
  /** where log-mode mail goes (and the one start-up notice) */
  log?: (line: string) => void;
  /** print the text body in log mode: never in production, where the link in it would land in the logs */
  logBodies?: boolean;
}

export function createMailer(options: MailerOptions): Mailer {
  const log = options.log ?? ((line: string) => logger().warn(line));
  if (!options.smtpUrl) {
    log("[mail] SMTP_URL is not set: mail is written to this log instead of being sent.");
    return {
      via: "log",
      async send(message) {
        log(`[mail] to ${message.to}: ${message.subject}`);
        if (options.logBodies) log(message.text.split("\n").map((l) => `[mail]   ${l}`).join("\n"));
        return { via: "log", messageId: null };
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    via: "smtp",
    async send(message) {
      // The recipient and subject only: the body may hold a sign-in link, and the SMTP URL holds a password.
      const fields = { via: "smtp", to: message.to, subject: message.subject };
      const started = performance.now();
      try {
        const info = await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
        logger().info({ ...fields, ms: Math.round(performance.now() - started) }, "mail sent");
        return { via: "smtp", messageId: typeof info.messageId === "string" ? info.messageId : null };
      } catch (error) {
        logger().error({ ...fields, ms: Math.round(performance.now() - started), err: error }, "mail failed");
        throw error;
      }
    },
    close() {
      transport.close();
    },
  };
}

const globalForMail = globalThis as unknown as { vintraceSyncMailer?: Mailer };

/** The process-wide mailer, created on first use (which is when the log-mode notice is printed, once). */
export function getMailer(): Mailer {
  if (!globalForMail.vintraceSyncMailer) {
    const env = getEnv();
    globalForMail.vintraceSyncMailer = createMailer({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, logBodies: env.NODE_ENV !== "production" });
  }
  return globalForMail.vintraceSyncMailer;
}

/** For tests that point SMTP_URL somewhere else between cases. */
export function resetMailer(): void {
  globalForMail.vintraceSyncMailer?.close();
  globalForMail.vintraceSyncMailer = undefined;
}
