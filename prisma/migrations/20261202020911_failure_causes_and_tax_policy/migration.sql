-- AlterTable
ALTER TABLE "VintraceSettings" ADD COLUMN     "ignoreStockError" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "taxPolicySetAt" TIMESTAMP(3),
ADD COLUMN     "vintraceTaxPolicy" "TaxPolicy",
ADD COLUMN     "vintraceTaxPolicyAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "OrderSync" ADD COLUMN     "lastErrorCause" TEXT,
ADD COLUMN     "lastErrorVintraceText" TEXT;

