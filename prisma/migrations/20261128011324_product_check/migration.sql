-- CreateTable
CREATE TABLE "ProductCheck" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "summary" JSONB,
    "rows" JSONB,

    CONSTRAINT "ProductCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProductCheck_tenantId_startedAt_idx" ON "ProductCheck"("tenantId", "startedAt" DESC);

-- AddForeignKey
ALTER TABLE "ProductCheck" ADD CONSTRAINT "ProductCheck_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

