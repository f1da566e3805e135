// The Shopify simulator keeps its orders in memory, so the demo's next run starts with a Shopify that has forgotten
// the orders the app holds: a fix's retry, or resuming the paused winery, would find them gone (and record that as a
// forged delivery), and new orders would take the old ones' names again. Each later run puts them back, with their
// ids, names, dates and lines, from the payloads the app stored.
import { z } from "zod";
import type { Db } from "@/server/db";
import { Prisma } from "@/server/generated/prisma/client";
import type { ShopifySimulator } from "@/simulators/shopify/server";

/** What the simulator needs of a stored order to make it again; a payload without it (redacted, purged) is passed over. */
const storedOrderSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  order_number: z.number().int().positive(),
  created_at: z.string().min(1),
  line_items: z.array(z.object({ sku: z.string().nullable(), quantity: z.number().int().positive(), price: z.string(), title: z.string() })).min(1),
});

/** Puts the demo wineries' stored orders back in the Shopify simulator, oldest first; answers how many. */
export async function restoreShopifyOrders(db: Db, shopify: ShopifySimulator, tenantIds: string[]): Promise<number> {
  const rows = await db.orderSync.findMany({
    where: { tenantId: { in: tenantIds }, payload: { not: Prisma.DbNull } },
    select: { payload: true, tenant: { select: { shopDomain: true } } },
    orderBy: { orderCreatedAt: "asc" },
  });
  let restored = 0;
  for (const row of rows) {
    const order = storedOrderSchema.safeParse(row.payload);
    if (!order.success) continue;
    const { id, name, order_number: orderNumber, created_at: createdAt, line_items: lines } = order.data;
    await shopify.createOrder({
      shop: row.tenant.shopDomain,
      id,
      name,
      orderNumber,
      createdAt,
      lines: lines.map((line) => ({ sku: line.sku ?? "", qty: line.quantity, price: line.price, title: line.title })),
      deliver: false,
    });
    restored += 1;
  }
  return restored;
}
