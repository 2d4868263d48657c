CREATE TABLE "TraitEvent" (
    "id" BIGSERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "trait" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "flowStatus" TEXT NOT NULL DEFAULT 'none',
    "flowClaimedAt" TIMESTAMP(3),
    CONSTRAINT "TraitEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TraitEvent_shopId_at_idx" ON "TraitEvent"("shopId", "at");
CREATE INDEX "TraitEvent_shopId_customerId_idx" ON "TraitEvent"("shopId", "customerId");
