ALTER TABLE "CustomerScore" ADD COLUMN "traitReasons" JSONB NOT NULL DEFAULT '[]';
