// The vintrace integration's public surface, for the sync engine and the settings pages.
import "server-only";
export { createVintraceClient, LIST_PAGE_SIZE, type VintraceClient, type VintraceClientOptions, type SalesOrderFilter } from "./client";
export type { VintraceConnection, VintraceExchange } from "./http";
export type { VintraceError, VintraceErrorClass, VintraceFix, VintraceResult } from "./errors";
export { parseRetryAfter } from "./errors";
export type { SalesOrder, Party, StockItemDetails, InventoryRow } from "./schemas";
export type { SalesOrderBody, SalesOrderItemBody, SendToParty } from "./sales-order-body";
export { findSalesOrderByExternalId, findSalesOrdersByExternalId, type SalesOrderHint } from "./find-sales-order";
export { diagnoseRejection, type RejectionContext } from "./diagnose-rejection";
export { verifyVintraceSettings, type SettingsCheck, type SettingsVerification, type VintraceSettingsToVerify } from "./verify-settings";
export { normaliseVintraceUrl, type VintraceUrlResult } from "./url";
export { redactRequest, type RecordedRequest } from "./redact";
export { checkCreatedOrder, taxPolicyOf, type CreatedOrderCheck, type TaxPolicy } from "./check-created-order";
