import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { createPrisma } from "@/server/db";
import { databaseEnv, ensureDatabase } from "@/server/runtime";
import { seedDemo } from "@/prisma/seed";
import { demoWineries } from "@/simulators/catalog";
import { demoAccessToken, startShopifySimulator, type ShopifySimulator } from "@/simulators/shopify/server";
import { startVintraceSimulator, type VintraceSimulator } from "@/simulators/vintrace/server";
import { startMailCatcher, type MailCatcher } from "@/simulators/mail/catcher";
import { stopProcess } from "./processes";

// The whole local stack in one place, shared by `npm run demo`, `npm start` and the browser tests:
// the database (PostgreSQL or embedded), optionally both simulators and the demo data, then the app
// (scripts/app-server.mjs: `next start` that also records each connection's peer for the client address).

const root = process.cwd();
const nextBin = path.join(root, "node_modules", ".bin", "next");

/** The commit checked out (.git/HEAD names a branch; its commit is what changes when code is committed). */
function currentRevision(): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

/** Builds the app when there is no build, or when the build is of another revision. */
export async function buildIfNeeded(log: (line: string) => void): Promise<void> {
  const stamp = path.join(root, ".next", "vintrace-sync-build");
  const revision = currentRevision();
  if (existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === revision) return;
  log("Building the app (first run, or the code changed)…");
  const build = spawn(nextBin, ["build"], { cwd: root, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => build.once("exit", resolve));
  if (code !== 0) throw new Error(`next build failed (exit code ${code}); its output is above`);
  writeFileSync(stamp, revision);
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
  simulators: boolean;
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

  let vintrace: VintraceSimulator | undefined;
  let shopify: ShopifySimulator | undefined;
  let mail: MailCatcher | undefined;
  if (options.simulators) {
    vintrace = await startVintraceSimulator({ port: options.vintracePort ?? 0, seedDemo: true });
    const shops = demoWineries.map((w) => w.shopDomain);
    shopify = await startShopifySimulator({
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
    await seedDemo(db, (code) => vintrace!.customerUrl(code), allowlist.split(","));
    await db.$disconnect();
    log(`Simulators: vintrace ${vintrace.url}, Shopify ${shopify.url}`);
    // Mail goes to a local catcher unless a real SMTP server is configured.
    if (!process.env.SMTP_URL) {
      mail = await startMailCatcher({ smtpPort: options.mail?.smtpPort ?? 0, httpPort: options.mail?.httpPort ?? 0, dir: options.mail?.dir });
      process.env.SMTP_URL = mail.smtpUrl;
      log(`Mail: caught at ${mail.smtpUrl}; read it at ${mail.httpUrl}${options.mail?.dir ? ` (and in ${options.mail.dir})` : ""}`);
    }
  }

  await buildIfNeeded(log);
  const app = spawn(process.execPath, [path.join(root, "scripts", "app-server.mjs"), String(options.port), "127.0.0.1"], {
    cwd: root,
    env: { ...process.env, ...databaseEnv(database), PORT: String(options.port), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", options.appOutput ?? "inherit", options.appLog ? "pipe" : "inherit"],
  });
  if (options.appLog && app.stderr) options.appLog(app.stderr);
  await waitForHttp(`http://127.0.0.1:${options.port}/api/health`, app);

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
