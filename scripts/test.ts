// `npm test`: the unit and integration tests (Vitest, on a database of their own), then the browser tests
// (Playwright in Debian's Chromium). `--e2e-only` skips the first part. Whatever follows `--` goes to Playwright:
//   npm run test:e2e -- e2e/mail/mail.spec.ts        one spec file
//   npm run test:e2e -- --repeat-each 2              every test twice
// `--shuffle` (or `--shuffle=SEED` to repeat an order) runs every browser test alone, one Playwright run each, in
// an order shuffled from the seed it prints, all against one stack: a test that needs another to run first fails.
//   npm run test:e2e -- --shuffle                    (files after `--` narrow it: -- --shuffle e2e/mail)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function run(command: string, args: string[], capture = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"], env: process.env });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

const e2eOnly = process.argv.includes("--e2e-only");
if (!e2eOnly) {
  const { code } = await run(bin("vitest"), ["run"]);
  if (code !== 0) process.exit(code);
}

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(
    `\nThe browser tests need Chromium at ${chromium} and it is not there.\n` +
      "Install Debian's package (sudo apt-get install -y chromium), or point CHROMIUM_PATH at a Chromium binary.\n" +
      "(`npx playwright install` cannot be used: it downloads browsers.)",
  );
  process.exit(1);
}

const dashes = process.argv.indexOf("--");
const afterDashes = dashes === -1 ? [] : process.argv.slice(dashes + 1);
const shuffle = afterDashes.find((a) => a === "--shuffle" || a.startsWith("--shuffle="));
const playwrightArgs = afterDashes.filter((a) => a !== shuffle);
if (!shuffle) process.exit((await run(bin("playwright"), ["test", ...playwrightArgs])).code);

/** mulberry32: a small seeded generator, so an order can be repeated from its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ListedSuite {
  specs?: { file: string; line: number }[];
  suites?: ListedSuite[];
}

const seed = shuffle.includes("=") ? Number(shuffle.split("=")[1]) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(seed)) throw new Error(`--shuffle=SEED needs a whole number, not ${shuffle}`);
const listed = await run(bin("playwright"), ["test", "--list", "--reporter=json", ...playwrightArgs], true);
if (listed.code !== 0) process.exit(listed.code);
const report = JSON.parse(listed.stdout) as { config: { rootDir: string }; suites: ListedSuite[] };
// One entry per test declaration (tests made in a loop share a line, and run together).
const locations = new Set<string>();
const collect = (suite: ListedSuite) => {
  for (const spec of suite.specs ?? []) locations.add(`${path.relative(root, path.join(report.config.rootDir, spec.file))}:${spec.line}`);
  for (const child of suite.suites ?? []) collect(child);
};
report.suites.forEach(collect);
const order = [...locations];
const random = seededRandom(seed);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
console.log(`[shuffle] seed ${seed}: ${order.length} tests, each alone, in this order (repeat with --shuffle=${seed}):`);
order.forEach((location, i) => console.log(`  ${i + 1}. ${location}`));

// One stack for every run; each run's global setup finds it in the environment and leaves it be.
const { startE2eStack } = await import("@/e2e/global-setup");
const stop = await startE2eStack();
const failed: string[] = [];
try {
  for (const [i, location] of order.entries()) {
    console.log(`\n[shuffle] ${i + 1}/${order.length} ${location}`);
    if ((await run(bin("playwright"), ["test", location])).code !== 0) failed.push(location);
  }
} finally {
  await stop();
}
console.log(`\n[shuffle] seed ${seed}: ${order.length - failed.length} of ${order.length} passed${failed.length ? `; failed:\n  ${failed.join("\n  ")}` : ""}`);
process.exit(failed.length ? 1 : 0);
