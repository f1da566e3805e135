import { resetKeyring } from "@/server/crypto";
import { resetEnvCache } from "@/server/env";
import { resetMailer } from "@/server/mail/mailer";

// The one place a test changes settings. Code under server/ reads them only through getEnv(), which caches them,
// so a change also drops that cache and what is built from it (the mailer, the encryption keyring).

export type EnvChanges = Record<string, string | undefined>;

/** Sets (or, for undefined, removes) variables for the tests that follow; returns what puts the old values back. */
export function setTestEnv(changes: EnvChanges): () => void {
  const before = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  apply(changes);
  return () => apply(before);
}

function apply(changes: EnvChanges): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
  resetKeyring();
  resetMailer();
}

/** The environment for a child process a test starts: this one's, with `changes` (undefined removes a variable). */
export function childEnv(changes: EnvChanges = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
