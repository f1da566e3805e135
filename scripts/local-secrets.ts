import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

// The demo needs secrets but a newcomer should not have to make them: the first run generates them into a
// git-ignored file, and later runs (and the CLI) read them back. Real deployments set the variables themselves.
const FILE = path.resolve(process.cwd(), ".data", "local-secrets.json");

/** Only for the embedded default (no DATABASE_URL): a configured deployment must bring its own secrets. */
export function loadLocalSecrets(): void {
  if (process.env.DATABASE_URL) return;
  let secrets: Record<string, string> = {};
  if (existsSync(FILE)) secrets = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, string>;
  const wanted: Record<string, () => string> = {
    AUTH_SECRET: () => randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
    SHOPIFY_API_KEY: () => "demo-app-key",
    SHOPIFY_API_SECRET: () => randomBytes(24).toString("hex"),
  };
  let changed = false;
  for (const [name, make] of Object.entries(wanted)) {
    if (!secrets[name]) {
      secrets[name] = make();
      changed = true;
    }
    process.env[name] ??= secrets[name];
  }
  if (changed) {
    mkdirSync(path.dirname(FILE), { recursive: true });
    writeFileSync(FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
}
