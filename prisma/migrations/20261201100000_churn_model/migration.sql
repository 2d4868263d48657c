ALTER TABLE "CustomerScore" ADD COLUMN "churnModel" TEXT NOT NULL DEFAULT 'bgnbd';
