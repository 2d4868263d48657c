ALTER TABLE "SegmentTransition" ADD COLUMN "flowClaimedAt" TIMESTAMP(3);
