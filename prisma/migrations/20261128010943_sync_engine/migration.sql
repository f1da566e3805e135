-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "lastErrorFix" TEXT,
ADD COLUMN     "lastErrorHowTo" TEXT,
ADD COLUMN     "missingSkus" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "queuedBy" TEXT,
ADD COLUMN     "tagError" TEXT,
ADD COLUMN     "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "OrderSync_leaseUntil_idx" ON "OrderSync"("leaseUntil");

