// The arguments of `npm run sim:order`, parsed without side effects (sim-order.ts runs what they ask).
import { parseArgs } from "node:util";

export const SIM_ORDER_USAGE = `usage: npm run sim:order -- --shop <name>.myshopify.com [what]
  (nothing)                          place an order and deliver orders/create to APP_URL
      [--lines SKU:qty,SKU:qty]        its lines (default: two of the shop's first product)
      [--duplicate N]                  deliver the same webhook N times (1 to 50)
  --cancel NAME                      cancel the order: orders/cancelled and orders/updated
  --refund NAME [--amount X]         refund its first line (or the amount X alone): refunds/create and orders/updated
  --edit NAME --lines SKU:qty,...    set those lines' quantities (a new SKU adds a line, 0 removes one):
                                     orders/edited and orders/updated
NAME is the order's name, "#1001" or 1001. The webhooks of a cancel, refund or edit go to the shop's webhook
subscriptions (the app makes them), as Shopify sends them. The simulator is at SHOPIFY_SIM_URL (default
http://127.0.0.1:4020).`;

export type SimOrderLine = { sku: string; qty: number };

export type SimOrderCommand =
  | { kind: "help" }
  | { kind: "create"; shop: string; lines?: SimOrderLine[]; duplicates: number }
  | { kind: "cancel"; shop: string; name: string }
  | { kind: "refund"; shop: string; name: string; amount?: string }
  | { kind: "edit"; shop: string; name: string; lines: SimOrderLine[] };

/** Arguments that cannot be run: the message says which and why. */
export class SimOrderUsageError extends Error {}

function parseLines(spec: string, minQty: number): SimOrderLine[] {
  return spec.split(",").map((part) => {
    const match = /^([^:\s]+):(\d+)$/.exec(part.trim());
    if (!match || Number(match[2]) < minQty) throw new SimOrderUsageError(`bad line "${part}": expected SKU:qty with a whole quantity of at least ${minQty}`);
    return { sku: match[1], qty: Number(match[2]) };
  });
}

export function parseSimOrderArgs(args: string[]): SimOrderCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        shop: { type: "string" },
        lines: { type: "string" },
        duplicate: { type: "string" },
        cancel: { type: "string" },
        refund: { type: "string" },
        amount: { type: "string" },
        edit: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new SimOrderUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: "help" };
  const { shop } = values;
  if (!shop) throw new SimOrderUsageError("--shop is required");
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) throw new SimOrderUsageError(`--shop must look like name.myshopify.com, got "${shop}"`);

  const changes = (["cancel", "refund", "edit"] as const).filter((flag) => values[flag] !== undefined);
  if (changes.length > 1) throw new SimOrderUsageError(`give one of --cancel, --refund and --edit, not ${changes.map((c) => `--${c}`).join(" and ")}`);
  const change = changes[0];
  const only = (flag: "amount" | "duplicate" | "lines", allowed: string) => {
    if (values[flag] !== undefined) throw new SimOrderUsageError(`--${flag} goes with ${allowed} only`);
  };
  const name = change && values[change]?.trim();
  if (change && !name) throw new SimOrderUsageError(`--${change} needs the order's name, e.g. --${change} "#1001"`);

  if (change === "cancel") {
    only("lines", "placing an order or --edit");
    only("amount", "--refund");
    only("duplicate", "placing an order");
    return { kind: "cancel", shop, name: name! };
  }
  if (change === "refund") {
    only("lines", "placing an order or --edit");
    only("duplicate", "placing an order");
    const { amount } = values;
    if (amount !== undefined && !(/^\d+(\.\d{1,2})?$/.test(amount) && Number(amount) > 0)) throw new SimOrderUsageError(`--amount must be an amount like 12.50, got "${amount}"`);
    return { kind: "refund", shop, name: name!, ...(amount === undefined ? {} : { amount }) };
  }
  if (change === "edit") {
    only("amount", "--refund");
    only("duplicate", "placing an order");
    if (!values.lines) throw new SimOrderUsageError("--edit needs --lines SKU:qty,... (the lines' new quantities; 0 removes a line)");
    return { kind: "edit", shop, name: name!, lines: parseLines(values.lines, 0) };
  }
  only("amount", "--refund");
  const duplicates = values.duplicate === undefined ? 1 : Number(values.duplicate);
  if (!Number.isInteger(duplicates) || duplicates < 1 || duplicates > 50) throw new SimOrderUsageError(`--duplicate must be a whole number from 1 to 50, got "${values.duplicate}"`);
  return { kind: "create", shop, duplicates, ...(values.lines ? { lines: parseLines(values.lines, 1) } : {}) };
}
