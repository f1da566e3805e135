import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { getEnv } from "@/server/env";
import { databaseEnv, ensureDatabase, type ProcessDatabase } from "@/server/runtime";
import type { ShopifySimulator } from "@/simulators/shopify/server";
import type { VintraceSimulator } from "@/simulators/vintrace/server";
import type { MailCatcher } from "@/simulators/mail/catcher";
import { stopProcess } from "./processes";

// The whole local stack in one place, shared by `npm run demo`, `npm start` and the browser tests:
// the database (PostgreSQL or embedded), optionally both simulators and the demo data, then the app
// (scripts/app-server.mjs: `next start` that also records each connection's peer for the client address).
// The simulators, the demo seed and the mail catcher (smtp-server, a development dependency) are loaded only when
// asked for, so `npm start` runs where only the production dependencies are installed.

const root = process.cwd();
const nextBin = path.join(root, "node_modules", ".bin", "next");
const buildStamp = path.join(root, ".next", "vintrace-sync-build");

/**
 * The commit checked out (.git/HEAD names a branch; its commit is what changes when code is committed). On a server
 * the checkout is owned by another user than the app's, which git refuses to read unless told the folder is safe.
 */
function currentRevision(): string {
  try {
    return execFileSync("git", ["-c", `safe.directory=${root}`, "rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** "missing": no build; "stale": a build of another revision; "current": built from the code checked out. */
export function buildState(): { state: "missing" | "stale" | "current"; built?: string; revision: string } {
  const revision = currentRevision();
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(buildStamp)) return { state: "missing", revision };
  const built = readFileSync(buildStamp, "utf8");
  return { state: built === revision ? "current" : "stale", built, revision };
}

/** `next build`, then the stamp that says which revision it is: what `npm run build` does, and what start checks. */
export async function build(): Promise<void> {
  const revision = currentRevision();
  const child = spawn(nextBin, ["build"], { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`next build failed (exit code ${code}); its output is above`);
  writeFileSync(buildStamp, revision);
}

/** Builds the app when there is no build, or when the build is of another revision (the demo and the browser tests). */
export async function buildIfNeeded(log: (line: string) => void): Promise<void> {
  if (buildState().state === "current") return;
  log("Building the app (first run, or the code changed)…");
  await build();
}

/** Where to ask the app whether it is up: a wildcard address is reached on loopback. */
function probeHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs / 1000} s`);
}

export interface StackOptions {
  port: number;
  /** the address the app listens on (default: HOST from the settings) */
  host?: string;
  simulators: boolean;
  /** "if-needed" (default): build when missing or stale; "never": the caller has checked the build (`npm start`) */
  build?: "if-needed" | "never";
  vintracePort?: number;
  shopifyPort?: number;
  /** the local SMTP catcher, with the simulators: its SMTP port, its viewer's HTTP port, and a folder for .eml files */
  mail?: { smtpPort?: number; httpPort?: number; dir?: string };
  log?: (line: string) => void;
  /** the app's own output */
  appOutput?: "inherit" | "ignore";
  /** reads the app's log (its stderr) from the moment it starts; default: this process's stderr */
  appLog?: (stderr: Readable) => void;
}

export interface Stack {
  appUrl: string;
  databaseUrl: string;
  vintrace?: VintraceSimulator;
  shopify?: ShopifySimulator;
  mail?: MailCatcher;
  app: ChildProcess;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const appUrl = process.env.APP_URL ?? `http://localhost:${options.port}`;
  process.env.APP_URL = appUrl;
  const database = await ensureDatabase();
  const databaseUrl = database.url;
  log(database.dataDir ? `Database: embedded PGlite in ${path.relative(root, database.dataDir)} (served on ${databaseUrl.replace(/^.*@/, "")})` : "Database: DATABASE_URL");

  const simulators = options.simulators ? await startSimulators(options, database, appUrl, log) : {};

  if (options.build !== "never") await buildIfNeeded(log);
  const host = options.host ?? getEnv().HOST;
  const nodeFlags = getEnv().APP_NODE_FLAGS.split(/\s+/).filter(Boolean);
  const app = spawn(process.execPath, [...nodeFlags, path.join(root, "scripts", "app-server.mjs"), String(options.port), host], {
    cwd: root,
    env: { ...process.env, ...databaseEnv(database), PORT: String(options.port), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", options.appOutput ?? "inherit", options.appLog ? "pipe" : "inherit"],
  });
  if (options.appLog && app.stderr) options.appLog(app.stderr);
  await waitForHttp(`http://${probeHost(host)}:${options.port}/api/health`, app);

  const { vintrace, shopify, mail } = simulators;
  return {
    appUrl,
    databaseUrl,
    vintrace,
    shopify,
    mail,
    app,
    async stop() {
      // Past the app's own grace for in-flight syncs (server/jobs/process.ts SHUTDOWN_GRACE_MS) and the lease release after it.
      await stopProcess(app, 30_000);
      await shopify?.close();
      await vintrace?.close();
      await mail?.close();
      await database.stop();
    },
  };
}

/** Both simulators with the demo data, and a mail catcher unless SMTP_URL is set; imported here, not at the top. */
async function startSimulators(
  options: StackOptions,
  database: ProcessDatabase,
  appUrl: string,
  log: (line: string) => void,
): Promise<Pick<Stack, "vintrace" | "shopify" | "mail">> {
  const [{ createPrisma }, { seedDemo }, { demoTenants }, { demoAccessToken, startShopifySimulator }, { startVintraceSimulator }] = await Promise.all([
    import("@/server/db"),
    import("@/prisma/seed"),
    import("@/simulators/catalog"),
    import("@/simulators/shopify/server"),
    import("@/simulators/vintrace/server"),
  ]);
  const vintrace = await startVintraceSimulator({ port: options.vintracePort ?? 0, seedDemo: true });
  const shops = demoTenants.map((w) => w.shopDomain);
  const shopify = await startShopifySimulator({
    port: options.shopifyPort ?? 0,
    appUrl,
    apiKey: process.env.SHOPIFY_API_KEY ?? "",
    apiSecret: process.env.SHOPIFY_API_SECRET ?? "",
    shops,
    tokens: Object.fromEntries(shops.map((shop) => [shop, demoAccessToken(shop)])),
  });
  const allowlist = [process.env.OUTBOUND_ALLOWLIST, vintrace.url].filter(Boolean).join(",");
  process.env.OUTBOUND_ALLOWLIST = allowlist;
  process.env.SHOPIFY_ADMIN_ORIGIN = shopify.url;
  // The app runs with NODE_ENV=production, which refuses plain-http Shopify and outbound origins otherwise.
  process.env.ALLOW_SIMULATORS = "1";
  const db = createPrisma(database);
  await seedDemo(db, (code) => vintrace.customerUrl(code), allowlist.split(","));
  await db.$disconnect();
  log(`Simulators: vintrace ${vintrace.url}, Shopify ${shopify.url}`);
  // Mail goes to a local catcher unless a real SMTP server is configured.
  let mail: MailCatcher | undefined;
  if (!process.env.SMTP_URL) {
    const { startMailCatcher } = await import("@/simulators/mail/catcher");
    mail = await startMailCatcher({ smtpPort: options.mail?.smtpPort ?? 0, httpPort: options.mail?.httpPort ?? 0, dir: options.mail?.dir });
    process.env.SMTP_URL = mail.smtpUrl;
    log(`Mail: caught at ${mail.smtpUrl}; read it at ${mail.httpUrl}${options.mail?.dir ? ` (and in ${options.mail.dir})` : ""}`);
  }
  return { vintrace, shopify, mail };
}
