// `npm run check:demo`: the newcomer's path on a fresh clone. In a clone of the commit checked out here, with no
// settings at all (DATABASE_URL unset): `npm ci`, `npm run demo` (which builds, starts the embedded database, both
// simulators and the app, and places the demo orders), then `npm run sim:order` places an order, which must end
// synced (the CLI says so) and tagged in the Shopify simulator: the demo's failures on purpose leave the winery
// healthy. The demo's story must be as it says: a failed order of each of its causes, held orders, the order that met
// a vintrace 503 synced on its next try. Then Ctrl+C must stop the demo cleanly (exit code 0, the app's port closed),
// and a second `npm run demo` on the same data must add no orders and put the ones the app holds back in Shopify.
import path from "node:path";
import { createPrisma, type Db } from "@/server/db";
import { startEmbeddedDatabase } from "@/server/embedded";
import { failureGroups } from "@/server/overview/service";
import { demoTenants } from "@/simulators/catalog";
import { cleanEnv, freshClone, run, startLong, waitFor, type Running } from "./check-clone";
import { DEMO_CAUSES } from "./demo-scenarios";
import { ordersThatMetATransientError } from "./demo-wait";
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
let demo: Running | undefined;

/** Starts `npm run demo` in the clone and waits for its sign-in banner (the first run builds the app). */
async function startDemo(): Promise<Running> {
  const running = startLong("npm run demo", "npm", ["run", "demo"], { cwd: clone.dir, env });
  demo = running;
  await waitFor("the demo to say it is running", async () => (/vintrace-sync is running at/.test(running.output()) ? true : undefined), 20 * 60_000, running);
  return running;
}

/** The running demo's embedded database (its process serves it; this only connects). */
async function demoDatabase(): Promise<Db> {
  const served = await startEmbeddedDatabase(path.join(clone.dir, ".data", "pglite"));
  return createPrisma({ url: served.url, embedded: true });
}

/** The demo's own orders: those that came by webhook (reconciliation may find the ones that "lost" theirs any time). */
const webhookOrders = (db: Db) => db.orderSync.count({ where: { source: "WEBHOOK" } });

/** The orders the app holds that the (restarted, in-memory) Shopify simulator does not have. */
async function ordersShopifyForgot(db: Db): Promise<string[]> {
  const rows = await db.orderSync.findMany({ select: { orderGid: true, orderName: true, tenant: { select: { shopDomain: true } } } });
  const forgotten: string[] = [];
  for (const { shopDomain } of demoTenants) {
    const state = (await (await fetch(`${simUrl}/__sim/state?shop=${shopDomain}`)).json()) as { shops: { orders: { gid: string }[] }[] };
    const known = new Set(state.shops[0].orders.map((o) => o.gid));
    forgotten.push(...rows.filter((r) => r.tenant.shopDomain === shopDomain && !known.has(r.orderGid)).map((r) => `${shopDomain} ${r.orderName}`));
  }
  return forgotten;
}

/** Ctrl+C reaches every process of the group; npm itself may end by the signal, the demo must end by its own exit. */
async function stopsCleanly(running: Running): Promise<void> {
  const stopped = await running.stop("SIGINT");
  demo = undefined;
  if (stopped.killed || stopped.leftOver || (stopped.code !== 0 && stopped.signal !== "SIGINT")) {
    throw new Error(`the demo did not stop cleanly on Ctrl+C: ${JSON.stringify(stopped)}\n${running.output().slice(-2000)}`);
  }
  if (!/Stopping…/.test(running.output())) throw new Error("the demo did not say it was stopping");
  const stillAnswers = await fetch(`${appUrl}/api/health`).then(
    () => true,
    () => false,
  );
  if (stillAnswers) throw new Error(`something still answers at ${appUrl} after the demo stopped`);
}

/** A failed order of each promised cause, orders held by the paused winery, and the 503 ridden out on the next try. */
async function checkStory(db: Db, running: Running): Promise<void> {
  if (/not as planned/.test(running.output())) throw new Error(`the demo's orders went otherwise than planned:\n${running.output().slice(-3000)}`);
  const groups = await failureGroups(db, null);
  const missing = DEMO_CAUSES.filter((cause) => !groups.some((g) => g.cause === cause && g.orders === 1));
  if (missing.length) throw new Error(`no single failed order of ${missing.join(", ")}; the groups are ${JSON.stringify(groups.map((g) => [g.cause, g.orders]))}`);
  const held = await db.orderSync.count({ where: { status: "HELD", tenant: { status: "PAUSED" } } });
  if (held < 2) throw new Error(`the paused winery holds ${held} orders, expected 2`);
  // Its retry comes 30 to 45 seconds after its first try.
  const healed = await waitFor(
    "the order that met a vintrace 503 to sync on its next try",
    async () => {
      const orders = await ordersThatMetATransientError(db);
      return orders.length === 1 && orders[0].status === "SYNCED" ? orders[0] : undefined;
    },
    90_000,
    running,
  );
  if (healed.attempts !== 2) throw new Error(`${healed.orderName} synced after ${healed.attempts} tries, expected 2`);
  console.log(`A failed order of each of ${DEMO_CAUSES.length} causes, ${held} held, ${healed.orderName} synced on its second try`);
}

try {
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: clone.dir, env });
  const running = await startDemo();

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

  const db = await demoDatabase();
  const ordersBefore = await checkStory(db, running)
    .then(() => webhookOrders(db))
    .finally(() => db.$disconnect());
  await stopsCleanly(running);

  const again = await startDemo();
  const db2 = await demoDatabase();
  const [ordersAfter, forgotten] = await Promise.all([webhookOrders(db2), ordersShopifyForgot(db2)]).finally(() => db2.$disconnect());
  if (ordersAfter !== ordersBefore) throw new Error(`the second run changed the demo's orders from ${ordersBefore} to ${ordersAfter}`);
  if (forgotten.length) throw new Error(`the restarted Shopify simulator does not have ${forgotten.join(", ")}, which a fix or resume would send`);
  await stopsCleanly(again);
  console.log("\nThe newcomer's path works: npm ci, npm run demo and its story, an order synced and tagged, Ctrl+C stops it, a second run adds nothing.");
} finally {
  await demo?.stop("SIGKILL", 5_000);
  if (keepClone) console.log(`clone kept in ${clone.dir}`);
  else clone.remove();
}
