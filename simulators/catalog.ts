// The demo wineries' catalogs, shared by both simulators so that their data agree, except for the deliberate
// mismatches the product-match check must find (one SKU missing in vintrace, one price and one name different).

export interface DemoProduct {
  sku: string;
  productTitle: string;
  variantTitle: string | null;
  shopifyPrice: string;
  /** null: the SKU does not exist in vintrace */
  vintrace: { code: string; description: string; price: number | null } | null;
}

export interface DemoTenant {
  name: string;
  shopDomain: string;
  /** the vintrace customer code: the simulator serves this winery under /<code>/api/v6 */
  vintraceCode: string;
  vintraceToken: string;
  customerName: string;
  priceList: { id: number; name: string; taxPolicy: "Tax Inclusive" | "Tax Exclusive" };
  storageArea: { id: number; name: string; buildingName: string; tenantName: string };
  products: DemoProduct[];
}

const item = (sku: string, productTitle: string, variantTitle: string | null, price: string): DemoProduct => ({
  sku,
  productTitle,
  variantTitle,
  shopifyPrice: price,
  vintrace: {
    code: sku,
    description: variantTitle ? `${productTitle} - ${variantTitle}` : productTitle,
    price: Number(price),
  },
});

export const demoTenants: DemoTenant[] = [
  {
    name: "Hilltop Estate",
    shopDomain: "hilltop-estate.myshopify.com",
    vintraceCode: "hilltop",
    vintraceToken: "demo-hilltop-token",
    customerName: "Shopify Web Customer",
    priceList: { id: 7, name: "Retail Inclusive", taxPolicy: "Tax Inclusive" },
    storageArea: { id: 99, name: "SA2 - Main Shed", buildingName: "Main Shed", tenantName: "Hilltop Winery" },
    products: [
      item("21SHZ750", "2021 Shiraz", "750ml", "35.00"),
      item("22CHA750", "2022 Chardonnay", "750ml", "29.00"),
      item("20CAB750", "2020 Cabernet Sauvignon", "750ml", "42.00"),
      item("23RSE750", "2023 Rosé", "750ml", "24.00"),
      // deliberate mismatch: the price differs
      { ...item("21SHZ1500", "2021 Shiraz", "Magnum 1.5L", "80.00"), vintrace: { code: "21SHZ1500", description: "2021 Shiraz - Magnum 1.5L", price: 75 } },
      // deliberate mismatch: the name differs
      { ...item("22PNR750", "2022 Pinot Noir", "750ml", "38.00"), vintrace: { code: "22PNR750", description: "2022 Pinot Noir Reserve 750ml", price: 38 } },
      // deliberate mismatch: missing in vintrace
      { sku: "TOTE-NAT", productTitle: "Canvas Tote", variantTitle: null, shopifyPrice: "15.00", vintrace: null },
    ],
  },
  {
    name: "River Bend Wines",
    shopDomain: "river-bend.myshopify.com",
    vintraceCode: "riverbend",
    vintraceToken: "demo-riverbend-token",
    customerName: "River Bend Online Store",
    priceList: { id: 12, name: "Web Retail Exclusive", taxPolicy: "Tax Exclusive" },
    storageArea: { id: 41, name: "Cellar Door Store", buildingName: "Cellar Door", tenantName: "River Bend Wines" },
    products: [
      item("RB-SB-23", "Sauvignon Blanc 2023", "750ml", "22.00"),
      item("RB-GSM-21", "GSM Blend 2021", "750ml", "31.00"),
      item("RB-RIES-22", "Riesling 2022", "750ml", "26.00"),
      item("RB-SPK-NV", "Sparkling Brut NV", "750ml", "34.00"),
      { ...item("RB-MRL-20", "Merlot 2020", "750ml", "27.00"), vintrace: { code: "RB-MRL-20", description: "Merlot 2020 - 750ml", price: 25 } },
      { ...item("RB-PORT-10", "Tawny Port 10yo", "500ml", "45.00"), vintrace: { code: "RB-PORT-10", description: "Tawny 10 Year Old - 500ml", price: 45 } },
      { sku: "RB-GLASS", productTitle: "Stemless Glass", variantTitle: null, shopifyPrice: "12.00", vintrace: null },
    ],
  },
];
