ALTER TABLE "Order" ADD COLUMN "discountMinor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "productTypeSpendMinor" BIGINT[] DEFAULT ARRAY[]::BIGINT[];

ALTER TABLE "BulkLineItemStage" ADD COLUMN "productId" BIGINT,
ADD COLUMN "spendMinor" BIGINT NOT NULL DEFAULT 0;

CREATE TABLE "ProductType" (
    "shopId" TEXT NOT NULL,
    "productId" BIGINT NOT NULL,
    "productType" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductType_pkey" PRIMARY KEY ("shopId","productId")
);

ALTER TABLE "ProductType" ADD CONSTRAINT "ProductType_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
