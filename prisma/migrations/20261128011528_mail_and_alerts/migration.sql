-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('AUTH_FAILING', 'FIRST_FAILURE', 'DIGEST', 'SILENCE', 'SUPPORT_DIGEST', 'TEST');

-- CreateEnum
CREATE TYPE "AlertChannel" AS ENUM ('EMAIL', 'CHAT');

-- CreateEnum
CREATE TYPE "AlertCondition" AS ENUM ('AUTH_FAILING', 'FAILING', 'SILENCE');

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "silenceAlertMinutes" INTEGER NOT NULL DEFAULT 120;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "supportAlertEmails" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Membership" ADD COLUMN     "alertEmails" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "PasswordReset" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordReset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "kind" "AlertKind" NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" TEXT NOT NULL,
    "alertId" TEXT NOT NULL,
    "channel" "AlertChannel" NOT NULL,
    "recipient" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertWebhook" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "urlEnc" TEXT NOT NULL,
    "urlHint" TEXT NOT NULL,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertState" (
    "tenantId" TEXT NOT NULL,
    "condition" "AlertCondition" NOT NULL,
    "open" BOOLEAN NOT NULL DEFAULT false,
    "openedAt" TIMESTAMP(3),
    "clearedAt" TIMESTAMP(3),
    "supportSeen" BOOLEAN NOT NULL DEFAULT true,
    "detail" JSONB,

    CONSTRAINT "AlertState_pkey" PRIMARY KEY ("tenantId","condition")
);

-- CreateTable
CREATE TABLE "AlertFailure" (
    "orderSyncId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "tenantId" TEXT NOT NULL,
    "errorClass" "ErrorClass",
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "digestId" TEXT,
    "supportDigestId" TEXT,

    CONSTRAINT "AlertFailure_pkey" PRIMARY KEY ("orderSyncId","attempt")
);

-- CreateIndex
CREATE UNIQUE INDEX "PasswordReset_tokenHash_key" ON "PasswordReset"("tokenHash");

-- CreateIndex
CREATE INDEX "PasswordReset_userId_idx" ON "PasswordReset"("userId");

-- CreateIndex
CREATE INDEX "Alert_tenantId_createdAt_idx" ON "Alert"("tenantId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Alert_kind_createdAt_idx" ON "Alert"("kind", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AlertDelivery_alertId_idx" ON "AlertDelivery"("alertId");

-- CreateIndex
CREATE INDEX "AlertWebhook_tenantId_idx" ON "AlertWebhook"("tenantId");

-- CreateIndex
CREATE INDEX "AlertFailure_tenantId_digestId_idx" ON "AlertFailure"("tenantId", "digestId");

-- CreateIndex
CREATE INDEX "AlertFailure_tenantId_seenAt_idx" ON "AlertFailure"("tenantId", "seenAt");

-- CreateIndex
CREATE INDEX "AlertFailure_supportDigestId_idx" ON "AlertFailure"("supportDigestId");

-- AddForeignKey
ALTER TABLE "PasswordReset" ADD CONSTRAINT "PasswordReset_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertWebhook" ADD CONSTRAINT "AlertWebhook_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertState" ADD CONSTRAINT "AlertState_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertFailure" ADD CONSTRAINT "AlertFailure_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

