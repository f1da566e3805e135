-- AlterTable
ALTER TABLE "ProductCheck" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "phase" TEXT,
ADD COLUMN     "progressDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "progressTotal" INTEGER,
ADD COLUMN     "workerId" TEXT,
ALTER COLUMN "status" SET DEFAULT 'QUEUED';


-- Runs still marked RUNNING from before checks moved to the worker finished or died with their request.
UPDATE "ProductCheck" SET "status" = 'FAILED', "finishedAt" = now(), "error" = 'Interrupted by an upgrade, run the check again.' WHERE "status" = 'RUNNING';

-- One run in progress per winery: a second request joins it instead of starting another.
CREATE UNIQUE INDEX "ProductCheck_one_open_per_tenant" ON "ProductCheck"("tenantId") WHERE "status" IN ('QUEUED', 'RUNNING');
