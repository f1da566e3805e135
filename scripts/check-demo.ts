// `npm run check:demo`: the newcomer's path on a fresh clone. In a clone of the commit checked out here, with no
// settings at all (DATABASE_URL unset): `npm ci`, `npm run demo` (which builds, starts the embedded database, both
// simulators and the app), then `npm run sim:order` places an order, which must end synced (the CLI says so) and
// tagged in the Shopify simulator; then Ctrl+C must stop the demo cleanly (exit code 0, the app's port closed).
import { demoTenants } from "@/simulators/catalog";
import { cleanEnv, freshClone, run, startLong, waitFor } from "./check-clone";
import { freePort } from "./processes";

const keepClone = process.argv.includes("--keep");
const shop = demoTenants[0].shopDomain;
const clone = await freshClone("demo");
const [port, vintracePort, shopifyPort, mailPort, smtpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
const appUrl = `http://localhost:${port}`;
const simUrl = `http://127.0.0.1:${shopifyPort}`;
// Only the ports differ from a newcomer's run, so that the check never meets another program on the defaults.
const env = cleanEnv({
  PORT: String(port),
  VINTRACE_SIM_PORT: String(vintracePort),
  SHOPIFY_SIM_PORT: String(shopifyPort),
  MAIL_SIM_PORT: String(mailPort),
  MAIL_SIM_SMTP_PORT: String(smtpPort),
});
let demo: ReturnType<typeof startLong> | undefined;

try {
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: clone.dir, env });
  demo = startLong("npm run demo", "npm", ["run", "demo"], { cwd: clone.dir, env });
  const running = demo;
  await waitFor("the demo to say it is running", async () => (/vintrace-sync is running at/.test(running.output()) ? true : undefined), 20 * 60_000, running);

  const placed = await run("npm", ["run", "sim:order", "--", "--shop", shop], { cwd: clone.dir, env: { ...env, SHOPIFY_SIM_URL: simUrl, APP_URL: appUrl } });
  const match = /created (\S+) \((gid:\/\/shopify\/Order\/\d+)\)/.exec(placed);
  if (!match) throw new Error("npm run sim:order did not say which order it created");
  const [, name, gid] = match;

  await waitFor(
    `${name} to be tagged vintrace-order-created`,
    async () => {
      const state = (await (await fetch(`${simUrl}/__sim/state?shop=${shop}`)).json()) as { shops: { orders: { gid: string; tags: string[] }[] }[] };
      return state.shops[0].orders.find((o) => o.gid === gid)?.tags.includes("vintrace-order-created") ? true : undefined;
    },
    90_000,
    running,
  );
  const status = await run("npm", ["run", "--silent", "cli", "--", "orders:status", "--shop", shop, "--name", name, "--json"], { cwd: clone.dir, env });
  const orders = (JSON.parse(status) as { orders: { status: string }[] }).orders;
  if (orders[0]?.status !== "SYNCED") throw new Error(`${name} is ${orders[0]?.status ?? "unknown"} in the app, expected SYNCED`);
  console.log(`${name} is SYNCED and tagged`);

  const stopped = await running.stop("SIGINT");
  demo = undefined;
  // Ctrl+C reaches every process of the group; npm itself may end by the signal, the demo must end by its own exit.
  if (stopped.killed || stopped.leftOver || (stopped.code !== 0 && stopped.signal !== "SIGINT")) {
    throw new Error(`the demo did not stop cleanly on Ctrl+C: ${JSON.stringify(stopped)}\n${running.output().slice(-2000)}`);
  }
  if (!/Stopping…/.test(running.output())) throw new Error("the demo did not say it was stopping");
  const stillAnswers = await fetch(`${appUrl}/api/health`).then(
    () => true,
    () => false,
  );
  if (stillAnswers) throw new Error(`something still answers at ${appUrl} after the demo stopped`);
  console.log("\nThe newcomer's path works: npm ci, npm run demo, an order synced and tagged, Ctrl+C stops it.");
} finally {
  await demo?.stop("SIGKILL", 5_000);
  if (keepClone) console.log(`clone kept in ${clone.dir}`);
  else clone.remove();
}
