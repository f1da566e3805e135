// `npm test`: the unit and integration tests (Vitest, on a database of their own), then the browser tests
// (Playwright in Debian's Chromium). `--e2e-only` skips the first part. Whatever follows `--` goes to Playwright:
//   npm run test:e2e -- e2e/mail/mail.spec.ts        one spec file
//   npm run test:e2e -- --repeat-each 2              every test twice
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = process.cwd();
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env: process.env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const e2eOnly = process.argv.includes("--e2e-only");
if (!e2eOnly) {
  const code = await run(bin("vitest"), ["run"]);
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
const playwrightArgs = dashes === -1 ? [] : process.argv.slice(dashes + 1);
process.exit(await run(bin("playwright"), ["test", ...playwrightArgs]));
