// Realistic orders/create payloads for tests. The default is an Australian GST-inclusive order whose numbers add
// up the way Shopify's do: 2 × Shiraz at 35.00 and a Canvas Tote at 15.00, a 10% code (8.50 in allocations),
// 10.00 shipping, GST 1/11 of each discounted amount.
import { shopifyOrderSchema, type ShopifyOrder, type ShopifyOrderPayload } from "../../server/shopify/order";

type LineInput = ShopifyOrderPayload["line_items"][number];

let nextLineId = 15133209411000;

/** A line item; quantities and prices are the caller's, tax and discounts default to none. */
export function sampleLineItem(overrides: Partial<LineInput> = {}): LineInput {
  const id = overrides.id ?? nextLineId++;
  const title = overrides.title ?? "2021 Shiraz";
  const variant = overrides.variant_title === undefined ? "750ml" : overrides.variant_title;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
    product_id: 8801234567890,
    variant_id: 45678901234567,
    sku: "21SHZ750",
    title,
    variant_title: variant,
    name: variant ? `${title} - ${variant}` : title,
    quantity: 1,
    price: "35.00",
    total_discount: "0.00",
    taxable: true,
    requires_shipping: true,
    gift_card: false,
    discount_allocations: [],
    tax_lines: [],
    ...overrides,
  };
}

export function sampleOrderInput(overrides: Partial<ShopifyOrderPayload> = {}): ShopifyOrderPayload {
  return {
    id: 6120458723401,
    admin_graphql_api_id: "gid://shopify/Order/6120458723401",
    name: "#1001",
    order_number: 1001,
    created_at: "2026-10-05T11:14:01+10:00",
    updated_at: "2026-10-05T11:14:02+10:00",
    test: false,
    currency: "AUD",
    presentment_currency: "AUD",
    taxes_included: true,
    financial_status: "paid",
    cancelled_at: null,
    total_line_items_price: "85.00",
    total_discounts: "8.50",
    subtotal_price: "76.50",
    total_tax: "7.87",
    total_price: "86.50",
    discount_codes: [{ code: "WELCOME10", amount: "8.50", type: "percentage" }],
    line_items: [
      sampleLineItem({
        id: 15133209411657,
        quantity: 2,
        price: "35.00",
        discount_allocations: [{ amount: "7.00", discount_application_index: 0 }],
        tax_lines: [{ title: "GST", rate: 0.1, price: "5.73" }],
      }),
      sampleLineItem({
        id: 15133209444425,
        sku: "TOTE-NAT",
        title: "Canvas Tote",
        variant_title: null,
        quantity: 1,
        price: "15.00",
        discount_allocations: [{ amount: "1.50", discount_application_index: 0 }],
        tax_lines: [{ title: "GST", rate: 0.1, price: "1.23" }],
      }),
    ],
    shipping_lines: [
      {
        id: 5012345678,
        title: "Standard",
        code: "STANDARD",
        price: "10.00",
        discounted_price: "10.00",
        tax_lines: [{ title: "GST", rate: 0.1, price: "0.91" }],
        discount_allocations: [],
      },
    ],
    customer: { id: 7301122334455, email: "jane@example.com", first_name: "Jane", last_name: "Doe", phone: null },
    email: "jane@example.com",
    shipping_address: {
      first_name: "Jane",
      last_name: "Doe",
      name: "Jane Doe",
      company: null,
      address1: "12 Market St",
      address2: "",
      city: "Adelaide",
      province: "South Australia",
      province_code: "SA",
      zip: "5000",
      country: "Australia",
      country_code: "AU",
      phone: "+61 400 000 000",
    },
    ...overrides,
  };
}

/** The sample order, parsed the way the webhook handler parses it. */
export function sampleOrder(overrides: Partial<ShopifyOrderPayload> = {}): ShopifyOrder {
  return shopifyOrderSchema.parse(sampleOrderInput(overrides));
}
