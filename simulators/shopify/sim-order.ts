// `npm run sim:order -- --shop S [--lines SKU:qty,...] [--duplicate N]`: asks the running Shopify simulator
// (SHOPIFY_SIM_URL) to create an order and deliver orders/create to the app (APP_URL), then prints the order name
// and each delivery's HTTP status. With --cancel, --refund or --edit NAME it changes that order instead, and the
// simulator sends the topics Shopify would to the shop's subscriptions (sim-order-args.ts has every form).
import type { ChangedOrder, CreatedOrder } from "@/simulators/shopify/server";
import { parseSimOrderArgs, SIM_ORDER_USAGE, SimOrderUsageError, type SimOrderCommand } from "@/simulators/shopify/sim-order-args";
import type { DeliveryResult } from "@/simulators/shopify/webhook";

function fail(message: string): never {
  console.error(`sim:order: ${message}\n${SIM_ORDER_USAGE}`);
  process.exit(2);
}

let command: SimOrderCommand;
try {
  command = parseSimOrderArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SimOrderUsageError)) throw error;
  fail(error.message);
}
if (command.kind === "help") {
  console.log(SIM_ORDER_USAGE);
  process.exit(0);
}

const simUrl = process.env.SHOPIFY_SIM_URL ?? "http://127.0.0.1:4020";
const appUrl = process.env.APP_URL ?? "http://localhost:3000";

/** The control request each command makes, and the verb its result is told with. */
type Runnable = Exclude<SimOrderCommand, { kind: "help" }>;

function request(c: Runnable): { path: string; body: unknown; done: string } {
  switch (c.kind) {
    case "create":
      return { path: "/orders", body: { shop: c.shop, lines: c.lines, deliver: true, duplicates: c.duplicates, appUrl }, done: "created" };
    case "cancel":
      return { path: "/orders/cancel", body: { shop: c.shop, name: c.name }, done: "cancelled" };
    case "refund":
      return { path: "/orders/refund", body: { shop: c.shop, name: c.name, amount: c.amount }, done: "refunded" };
    case "edit":
      return { path: "/orders/edit", body: { shop: c.shop, name: c.name, lines: c.lines }, done: "edited" };
  }
}

const { path, body, done } = request(command);
let response: Response;
try {
  response = await fetch(`${simUrl}/__sim${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
} catch (error) {
  console.error(`sim:order: cannot reach the Shopify simulator at ${simUrl} (${error instanceof Error ? error.message : error}); start it with npm run sim:shopify`);
  process.exit(1);
}

const result = (await response.json()) as { errors?: string };
if (!response.ok) {
  console.error(`sim:order: the simulator refused (HTTP ${response.status}): ${result.errors ?? "no detail"}`);
  process.exit(1);
}
const outcome = (status: number, error?: string) => (status === 0 ? `not delivered: ${error}` : `HTTP ${status}`);

/** Prints what was sent; answers each send's HTTP status. */
function report(command: Runnable): number[] {
  if (command.kind === "create") {
    const created = result as Pick<CreatedOrder, "name" | "gid"> & { deliveries: DeliveryResult[] };
    console.log(`created ${created.name} (${created.gid}) in ${command.shop}`);
    created.deliveries.forEach((d, i) => console.log(`  delivery ${i + 1} (webhook ${d.webhookId}) → ${appUrl}: ${outcome(d.status, d.error)}`));
    return created.deliveries.map((d) => d.status);
  }
  const changed = result as ChangedOrder;
  console.log(`${done} ${changed.name} (${changed.gid}) in ${command.shop}`);
  if (!changed.deliveries.length) console.error(`sim:order: nothing was sent: no webhook subscription of ${command.shop} covers this change's topics (the app makes them)`);
  for (const d of changed.deliveries) {
    if (d.held) console.log(`  ${d.topic} (event ${d.eventId}): held back, as the shop's deliveries are on hold`);
    for (const a of d.attempts) console.log(`  ${d.topic} (event ${d.eventId}) → ${a.uri}: ${outcome(a.status, a.error)}`);
  }
  return changed.deliveries.flatMap((d) => d.attempts.map((a) => a.status));
}

process.exit(report(command).every((status) => status >= 200 && status < 300) ? 0 : 1);
