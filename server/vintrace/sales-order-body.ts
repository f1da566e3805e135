// The sales order we POST to vintrace v6 (`SalesOrder` / `SalesOrderItem` in the v6 spec), limited to the fields
// this app sets. Everything is optional in vintrace's schema; these are the ones a Shopify order fills in.

import "server-only";
export interface VintraceAddress {
  street1: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

/** The ship-to party. The spec's examples say `name`, its schema and real replies say `primeName`: we send both. */
export interface SendToParty {
  name: string;
  primeName: string;
  givenName?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: VintraceAddress;
}

export interface SalesOrderItemBody {
  /** the stock item code (vintrace matches lines by code, not by SKU) */
  itemName: string;
  quantity: number;
  unitPrice: number;
  /** a dollar amount off the line (wineries without Xero) */
  adjustment?: number;
  /** a percentage off the line (wineries with the Xero integration on) */
  discountPct?: number;
  /** the Shopify line item GID */
  externalReference?: string;
}

export interface SalesOrderBody {
  /** present only to update an existing order */
  id?: number;
  customerId?: number;
  customerName?: string;
  salesPriceListId?: number;
  salesPriceListName?: string;
  storageAreaId?: number;
  salesOrderStatus?: string;
  orderDate?: number;
  reference?: string;
  description?: string;
  externalTransactionId?: string;
  ignoreStockError?: boolean;
  sendTo?: SendToParty;
  salesOrderItems: SalesOrderItemBody[];
}
