import { defineConfig } from "@playwright/test";
// Test files import server modules, which start with `import "server-only"`; outside Next.js that marker resolves to
// its empty module (the runner and every worker load this config, so each gets the hook).
import "./scripts/server-only-hook.mjs";

// Debian's Chromium (npx playwright install needs the internet). The flags keep it from calling out.
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./e2e/artifacts",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium", viewport: { width: 1280, height: 800 } } }],
});
