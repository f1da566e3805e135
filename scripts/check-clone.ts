// Helpers for the checks that run a fresh clone of this repository the way a newcomer or a server would
// (scripts/check-production.ts, scripts/check-demo.ts): clone, run npm commands in it, keep a long-running one and
// stop it as a terminal or a process manager would.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { envSchema } from "@/server/env";

const root = path.resolve(import.meta.dirname, "..");

/** A clone of the commit checked out here, in a new temporary folder. */
export async function freshClone(label: string): Promise<{ dir: string; remove(): void }> {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), `vintrace-sync-${label}-`)), "repo");
  // --no-hardlinks: a local clone otherwise shares git's object files with this repository, whose git touches them.
  await run("git", ["clone", "--quiet", "--no-hardlinks", root, dir], { cwd: root, env: cleanEnv() });
  return { dir, remove: () => rmSync(path.dirname(dir), { recursive: true, force: true }) };
}

/** Variables that configure this project or its tests, which a fresh clone must not inherit (DATABASE_URL above all). */
const PROJECT_SETTINGS = new Set([
  ...Object.keys(envSchema.shape),
  "REQUIRE_POSTGRES",
  "SHOPIFY_SIM_URL",
  "VINTRACE_SIM_PORT",
  "SHOPIFY_SIM_PORT",
  "MAIL_SIM_PORT",
  "MAIL_SIM_SMTP_PORT",
  "INIT_CWD",
  "npm_command",
  "npm_config_local_prefix",
]);

/**
 * The machine's environment (its proxy and certificate settings, which npm needs) without any setting of this
 * project or of the npm script that runs the check. Each step adds its own settings on top.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || PROJECT_SETTINGS.has(name) || /^npm_(lifecycle|package)_/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra } as unknown as NodeJS.ProcessEnv;
}

/** The command line as the log shows it: the value after a flag naming a token, key, secret or password is hidden. */
function shown(command: string, args: string[]): string {
  const hidden = args.map((arg, i) => (i > 0 && /^--[\w-]*(token|key|secret|password)$/i.test(args[i - 1]) ? "[hidden]" : arg));
  return [command, ...hidden].join(" ");
}

/** Runs a command to the end with its output shown; a non-zero exit fails the check. */
export async function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  console.log(`$ ${shown(command, args)}   (in ${options.cwd})`);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`${shown(command, args)} exited with ${code}`);
  return output;
}

export interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** processes of the group still running after the stop (then killed) */
  leftOver: boolean;
  /** the stop took longer than its time and the group was killed */
  killed: boolean;
}

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Signals the whole process group, as Ctrl+C in a terminal or a process manager does, and waits for all of it. */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<Stopped>;
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts a long-running command in its own process group, its output prefixed with `label`. */
export function startLong(label: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Running {
  console.log(`$ ${command} ${args.join(" ")} &   (in ${options.cwd})`);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const show = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split("\n")) if (line.trim()) console.log(`[${label}] ${line}`);
  };
  child.stdout!.on("data", show);
  child.stderr!.on("data", show);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    async stop(signal, timeoutMs = 30_000) {
      const pid = child.pid!;
      let killed = false;
      if (child.exitCode === null && child.signalCode === null) process.kill(-pid, signal);
      const timer = setTimeout(() => {
        console.log(`[${label}] did not stop within ${timeoutMs / 1000} s of ${signal}; killing it`);
        killed = true;
        if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
      }, timeoutMs);
      const { code, signal: by } = await exited;
      // The group's other processes (the app, the database) may take a moment longer than the launcher.
      const deadline = Date.now() + 10_000;
      while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      clearTimeout(timer);
      const leftOver = groupAlive(pid);
      if (leftOver) process.kill(-pid, "SIGKILL");
      return { code, signal: by, leftOver, killed };
    },
  };
}

/** Polls `probe` until it returns a value; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, running?: Running): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running && running.child.exitCode !== null) throw new Error(`the process exited (code ${running.child.exitCode}) before ${what}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

/** Every file under `dir` (node_modules included, git's own folder not) with its size and modification time. */
export function snapshotFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (folder !== dir || entry.name !== ".git") walk(full);
      }
      else if (entry.isFile()) {
        const stat = statSync(full);
        files.set(path.relative(dir, full), `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return files;
}

/** The files added, changed or removed between two snapshots. */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = [...after].filter(([file, stamp]) => before.get(file) !== stamp).map(([file]) => file);
  const removed = [...before.keys()].filter((file) => !after.has(file));
  return [...changed, ...removed.map((file) => `${file} (removed)`)];
}
