// The variants each simulated shop sells: the demo winery's catalog for a demo shop, the first winery's for any
// other (the benchmark's fifty shops). Ids are derived from the shop and position, so order line items and the
// productVariants query agree without shared state.
import { demoTenants, type DemoProduct } from "@/simulators/catalog";

export interface SimVariant {
  id: number;
  gid: string;
  productId: number;
  sku: string | null;
  /** the variant title, e.g. "750ml"; Shopify calls a variant with no options "Default Title" */
  title: string;
  price: string;
  productTitle: string;
}

function shopSeed(shop: string): number {
  let hash = 0;
  for (const char of shop) hash = (hash * 31 + char.charCodeAt(0)) % 100_000;
  return hash;
}

function variantFor(shop: string, index: number, product: Pick<DemoProduct, "sku" | "productTitle" | "variantTitle" | "shopifyPrice">): SimVariant {
  const id = 45_000_000_000_000 + shopSeed(shop) * 100_000 + index;
  return {
    id,
    gid: `gid://shopify/ProductVariant/${id}`,
    productId: 8_800_000_000_000 + shopSeed(shop) * 100_000 + index,
    sku: product.sku,
    title: product.variantTitle ?? "Default Title",
    price: product.shopifyPrice,
    productTitle: product.productTitle,
  };
}

export function catalogProductsFor(shop: string): DemoProduct[] {
  return (demoTenants.find((w) => w.shopDomain === shop) ?? demoTenants[0]).products;
}

export function catalogVariantsFor(shop: string): SimVariant[] {
  return catalogProductsFor(shop).map((product, index) => variantFor(shop, index, product));
}

/** `count` extra variants with predictable SKUs (SEED-00001…), for paging tests. */
export function generatedVariants(shop: string, count: number, startIndex: number): SimVariant[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, "0");
    return variantFor(shop, startIndex + i, { sku: `SEED-${n}`, productTitle: `Seeded Wine ${n}`, variantTitle: "750ml", shopifyPrice: "20.00" });
  });
}
