-- CreateIndex
CREATE INDEX "OrderSync_tenantId_nextAttemptAt_idx" ON "OrderSync"("tenantId", "nextAttemptAt");

