// `npm run check:production`: the production path on a fresh clone, as a server would run it. In a clone of the
// commit checked out here: `npm ci`, `npm run build`, `npm prune --omit=dev`, then `NODE_ENV=production npm start`
// on a new PostgreSQL database, with the vintrace and Shopify simulators run by this script (from this checkout, whose
// development dependencies stay installed: the clone has only production ones). A winery is added with the CLI, one
// signed orders/create is delivered, and the order must end SYNCED with its sales order in vintrace and its tag in
// Shopify; /api/health must answer; and starting must not have built again nor written a file into the clone.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTestDatabase } from "@/test/database";
import { demoTenants } from "@/simulators/catalog";
import { startShopifySimulator } from "@/simulators/shopify/server";
import { startVintraceSimulator } from "@/simulators/vintrace/server";
import { changedFiles, cleanEnv, freshClone, run, snapshotFiles, startLong, waitFor } from "./check-clone";
import { freePort } from "./processes";

// A real PostgreSQL, never the embedded fallback: production runs on PostgreSQL.
process.env.REQUIRE_POSTGRES = "1";
const keepClone = process.argv.includes("--keep");
const tenant = demoTenants[0];
const product = tenant.products[0];

const clone = await freshClone("production");
const database = await createTestDatabase("prodcheck");
const port = await freePort();
const appUrl = `http://localhost:${port}`;
const app = { apiKey: "check-production-app", apiSecret: randomBytes(24).toString("hex") };
const vintrace = await startVintraceSimulator({ port: 0, seedDemo: true });
const shopify = await startShopifySimulator({ port: 0, appUrl, apiKey: app.apiKey, apiSecret: app.apiSecret, shops: [tenant.shopDomain] });
let started: ReturnType<typeof startLong> | undefined;

try {
  const npm = (args: string[], env = cleanEnv()) => run("npm", args, { cwd: clone.dir, env });
  await npm(["ci", "--no-audit", "--no-fund"]);
  await npm(["run", "build"]);
  await npm(["prune", "--omit=dev", "--no-audit", "--no-fund"]);

  const settings = cleanEnv({
    NODE_ENV: "production",
    DATABASE_URL: database.url,
    PORT: String(port),
    APP_URL: appUrl,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    SHOPIFY_API_KEY: app.apiKey,
    SHOPIFY_API_SECRET: app.apiSecret,
    // The simulators stand in for Shopify and vintrace; production refuses plain http without this.
    SHOPIFY_ADMIN_ORIGIN: shopify.url,
    OUTBOUND_ALLOWLIST: vintrace.url,
    ALLOW_SIMULATORS: "1",
  });

  const before = snapshotFiles(clone.dir);
  started = startLong("npm start", "npm", ["start"], { cwd: clone.dir, env: settings });
  const health = await waitFor(
    "/api/health to answer",
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      return response.ok ? ((await response.json()) as unknown) : undefined;
    },
    120_000,
    started,
  );
  console.log(`/api/health: ${JSON.stringify(health)}`);
  if (/Building the app/.test(started.output())) throw new Error("npm start built the app again after npm run build");

  // The winery, connected by a custom-app token, as an operator adds one on a server (the CLI after the prune).
  await npm(
    [
      "run", "--silent", "cli", "--", "tenant:add", "--name", tenant.name, "--shop", tenant.shopDomain, "--shopify-token", shopify.issueToken(tenant.shopDomain),
      "--vintrace-url", vintrace.customerUrl(tenant.vintraceCode), "--vintrace-key", tenant.vintraceToken, "--customer", tenant.customerName,
      "--price-list", tenant.priceList.name, "--storage-area", String(tenant.storageArea.id),
    ],
    settings,
  );

  const order = await shopify.createOrder({ shop: tenant.shopDomain, lines: [{ sku: product.sku, qty: 2 }], deliver: true });
  if (order.deliveries[0]?.status !== 200) throw new Error(`orders/create was answered ${JSON.stringify(order.deliveries)}`);
  console.log(`orders/create for ${order.name} answered 200`);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const synced = await waitFor(
      `${order.name} to be SYNCED`,
      async () => {
        const { rows } = await client.query<{ status: string; code: string | null; error: string | null }>(
          `SELECT status, "vintraceSalesOrderCode" AS code, "lastErrorMessage" AS error FROM "OrderSync" WHERE "orderGid" = $1`,
          [order.gid],
        );
        if (rows[0]?.status === "FAILED") throw new Error(`the order failed: ${rows[0].error}`);
        return rows[0]?.status === "SYNCED" ? rows[0] : undefined;
      },
      60_000,
      started,
    );
    console.log(`${order.name} is SYNCED as vintrace sales order ${synced.code}`);
  } finally {
    await client.end();
  }
  const requests = (await (await fetch(`${vintrace.customerUrl(tenant.vintraceCode)}/__sim/requests`)).json()) as { method: string; path: string; status: number }[];
  const created = requests.filter((r) => r.method === "POST" && r.path.endsWith("/sales-order") && r.status < 300);
  if (created.length !== 1) throw new Error(`vintrace received ${created.length} successful sales-order POSTs, expected 1`);
  await waitFor("the order's vintrace-order-created tag", async () => (shopify.tagsOf(tenant.shopDomain, order.gid).includes("vintrace-order-created") ? true : undefined), 30_000, started);
  console.log("the Shopify order is tagged vintrace-order-created");

  const stopped = await started.stop("SIGTERM");
  started = undefined;
  if (stopped.killed || stopped.leftOver) throw new Error(`npm start did not stop on SIGTERM: ${JSON.stringify(stopped)}`);
  console.log(`npm start stopped on SIGTERM (exit code ${stopped.code}, signal ${stopped.signal}), every process of it gone`);
  const written = changedFiles(before, snapshotFiles(clone.dir));
  if (written.length) throw new Error(`npm start wrote into the folder it runs from:\n  ${written.slice(0, 20).join("\n  ")}`);
  console.log("\nThe production path works: build, prune, start, one order synced, health answers, nothing written at start.");
} finally {
  await started?.stop("SIGKILL", 5_000);
  await shopify.close();
  await vintrace.close();
  await database.drop();
  if (keepClone) console.log(`clone kept in ${clone.dir}`);
  else clone.remove();
}
