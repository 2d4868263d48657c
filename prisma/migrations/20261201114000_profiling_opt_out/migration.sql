ALTER TABLE "Customer" ADD COLUMN "optedOut" BOOLEAN;
ALTER TABLE "ShopSettings" ADD COLUMN "optOutTag" TEXT NOT NULL DEFAULT 'no-profiling';
