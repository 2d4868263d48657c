ALTER TABLE "ShopSettings" ADD COLUMN "traitTagPrefix" TEXT NOT NULL DEFAULT 'trait:';
ALTER TABLE "ShopSettings" ADD COLUMN "enabledTraits" TEXT[] DEFAULT ARRAY['category_specialist', 'discount_seeker', 'due_to_reorder', 'high_potential_first_timer', 'one_and_done', 'recovered', 'vip_at_risk']::TEXT[];
ALTER TABLE "CustomerScore" ADD COLUMN "traits" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "CustomerScore" ADD COLUMN "specialistType" TEXT;
ALTER TABLE "CustomerScore" ADD COLUMN "expectedNextOrderAt" TIMESTAMP(3);
ALTER TABLE "CustomerScore" ADD COLUMN "recoveredAt" TIMESTAMP(3);
ALTER TABLE "CustomerScore" ADD COLUMN "clusterId" INTEGER;
