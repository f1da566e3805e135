-- CreateEnum
CREATE TYPE "SetupStep" AS ENUM ('CONNECT', 'PRODUCTS', 'SENDING', 'PREVIEW', 'GO_LIVE');

-- CreateEnum
CREATE TYPE "MetafieldState" AS ENUM ('NONE', 'PENDING', 'DONE');

-- CreateEnum
CREATE TYPE "OrderChangeKind" AS ENUM ('CANCELLED', 'REFUNDED', 'EDITED');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "setupStep" "SetupStep",
ADD COLUMN     "setupStepSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ShopifyConnection" ADD COLUMN     "metafieldDefinitionAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "content" JSONB,
ADD COLUMN     "contentHash" TEXT,
ADD COLUMN     "metafieldAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "metafieldError" TEXT,
ADD COLUMN     "metafieldState" "MetafieldState" NOT NULL DEFAULT 'NONE';

-- CreateTable
CREATE TABLE "OrderEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "orderGid" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3),
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "OrderEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderChange" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "orderSyncId" TEXT NOT NULL,
    "kind" "OrderChangeKind" NOT NULL,
    "details" JSONB NOT NULL,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "handledAt" TIMESTAMP(3),
    "handledBy" TEXT,
    "handledNote" TEXT,
    "digestId" TEXT,
    "supportDigestId" TEXT,

    CONSTRAINT "OrderChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrderEvent_processedAt_receivedAt_idx" ON "OrderEvent"("processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "OrderEvent_tenantId_orderGid_occurredAt_idx" ON "OrderEvent"("tenantId", "orderGid", "occurredAt");

-- CreateIndex
CREATE INDEX "OrderChange_tenantId_handledAt_detectedAt_idx" ON "OrderChange"("tenantId", "handledAt", "detectedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "OrderChange_orderSyncId_kind_key" ON "OrderChange"("orderSyncId", "kind");

-- AddForeignKey
ALTER TABLE "OrderEvent" ADD CONSTRAINT "OrderEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderChange" ADD CONSTRAINT "OrderChange_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderChange" ADD CONSTRAINT "OrderChange_orderSyncId_fkey" FOREIGN KEY ("orderSyncId") REFERENCES "OrderSync"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Wineries already in setup start the wizard at its first step.
UPDATE "Tenant" SET "setupStep" = 'CONNECT', "setupStepSince" = CURRENT_TIMESTAMP WHERE "status" = 'SETUP';
