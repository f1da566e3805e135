// `npm run sim:order -- --shop S [--lines SKU:qty,...] [--duplicate N]`: asks the running Shopify simulator
// (SHOPIFY_SIM_URL) to create an order and deliver orders/create to the app (APP_URL), then prints the order name
// and each delivery's HTTP status.
import { parseArgs } from "node:util";

const USAGE = "usage: npm run sim:order -- --shop <name>.myshopify.com [--lines SKU:qty,SKU:qty] [--duplicate N]";

function fail(message: string): never {
  console.error(`sim:order: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseLines(spec: string): { sku: string; qty: number }[] {
  return spec.split(",").map((part) => {
    const match = /^([^:\s]+):(\d+)$/.exec(part.trim());
    if (!match || Number(match[2]) < 1) fail(`bad line "${part}": expected SKU:qty with a whole quantity of at least 1`);
    return { sku: match[1], qty: Number(match[2]) };
  });
}

let values;
try {
  ({ values } = parseArgs({
    options: { shop: { type: "string" }, lines: { type: "string" }, duplicate: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.shop) fail("--shop is required");
if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(values.shop)) fail(`--shop must look like name.myshopify.com, got "${values.shop}"`);
const duplicates = values.duplicate === undefined ? 1 : Number(values.duplicate);
if (!Number.isInteger(duplicates) || duplicates < 1 || duplicates > 50) fail(`--duplicate must be a whole number from 1 to 50, got "${values.duplicate}"`);

const simUrl = process.env.SHOPIFY_SIM_URL ?? "http://127.0.0.1:4020";
const appUrl = process.env.APP_URL ?? "http://localhost:3000";
const body = { shop: values.shop, lines: values.lines ? parseLines(values.lines) : undefined, deliver: true, duplicates, appUrl };

let response: Response;
try {
  response = await fetch(`${simUrl}/__sim/orders`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
} catch (error) {
  console.error(`sim:order: cannot reach the Shopify simulator at ${simUrl} (${error instanceof Error ? error.message : error}); start it with npm run sim:shopify`);
  process.exit(1);
}
const result = (await response.json()) as { name?: string; gid?: string; deliveries?: { status: number; webhookId: string; error?: string }[]; errors?: string };
if (!response.ok) {
  console.error(`sim:order: the simulator refused the order (HTTP ${response.status}): ${result.errors ?? "no detail"}`);
  process.exit(1);
}
console.log(`created ${result.name} (${result.gid}) in ${values.shop}`);
for (const [i, delivery] of (result.deliveries ?? []).entries()) {
  const outcome = delivery.status === 0 ? `not delivered: ${delivery.error}` : `HTTP ${delivery.status}`;
  console.log(`  delivery ${i + 1} (webhook ${delivery.webhookId}) → ${appUrl}: ${outcome}`);
}
process.exit((result.deliveries ?? []).every((d) => d.status >= 200 && d.status < 300) ? 0 : 1);
