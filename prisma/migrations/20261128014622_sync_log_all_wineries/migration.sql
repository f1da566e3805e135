-- CreateIndex
CREATE INDEX "OrderSync_createdAt_id_idx" ON "OrderSync"("createdAt" DESC, "id" DESC);

