ALTER TABLE "Shop" ADD COLUMN "reauthRequiredAt" TIMESTAMP(3),
ADD COLUMN "reauthReason" TEXT,
ADD COLUMN "accessLapsedAt" TIMESTAMP(3),
ADD COLUMN "accessRestoredAt" TIMESTAMP(3);
