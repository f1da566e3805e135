// The vintrace integration's public surface, for the sync engine and the settings pages.
export { createVintraceClient, LIST_PAGE_SIZE, type VintraceClient, type VintraceClientOptions, type SalesOrderFilter } from "./client";
export type { VintraceConnection, VintraceExchange } from "./http";
export type { VintraceError, VintraceErrorClass, VintraceFix, VintraceResult } from "./errors";
export { parseRetryAfter } from "./errors";
export type { SalesOrder, Party, StockItemDetails, InventoryRow } from "./schemas";
export type { SalesOrderBody, SalesOrderItemBody, SendToParty } from "./salesOrderBody";
export { findSalesOrderByExternalId, findSalesOrdersByExternalId, type SalesOrderHint } from "./findSalesOrder";
export { diagnoseRejection, type RejectionContext } from "./diagnoseRejection";
export { verifyVintraceSettings, type SettingsCheck, type SettingsVerification, type VintraceSettingsToVerify } from "./verifySettings";
export { normaliseVintraceUrl, type VintraceUrlResult } from "./url";
export { redactRequest, type RecordedRequest } from "./redact";
export { checkCreatedOrder, taxPolicyOf, type CreatedOrderCheck, type TaxPolicy } from "./checkCreatedOrder";
