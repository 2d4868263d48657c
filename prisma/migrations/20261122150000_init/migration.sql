-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "grantedScopes" TEXT NOT NULL DEFAULT '',
    "syncStatus" TEXT NOT NULL DEFAULT 'pending',
    "syncError" TEXT,
    "syncState" JSONB,
    "syncRowsTotal" INTEGER,
    "syncRowsDone" INTEGER NOT NULL DEFAULT 0,
    "syncStartedAt" TIMESTAMP(3),
    "syncCompletedAt" TIMESTAMP(3),
    "lastIncrementalSyncAt" TIMESTAMP(3),
    "historyLimited" BOOLEAN NOT NULL DEFAULT false,
    "modelState" JSONB,
    "modelKind" TEXT,
    "lastScoredAt" TIMESTAMP(3),

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shopId" TEXT NOT NULL,
    "churnHorizonDays" INTEGER NOT NULL DEFAULT 90,
    "tagPrefix" TEXT NOT NULL DEFAULT 'rfm:',
    "holdoutPercent" INTEGER NOT NULL DEFAULT 10,
    "segmentMap" JSONB,
    "writeBackEnabled" BOOLEAN NOT NULL DEFAULT true,
    "flowTriggerEnabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "Customer" (
    "shopId" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "shopifyCreatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "appTags" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "Order" (
    "shopId" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "customerId" BIGINT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "shopifyUpdatedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "test" BOOLEAN NOT NULL DEFAULT false,
    "currency" TEXT NOT NULL,
    "presentmentCurrency" TEXT,
    "totalMinor" BIGINT NOT NULL,
    "refundedMinor" BIGINT NOT NULL DEFAULT 0,
    "discountCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "productTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "Order_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "Refund" (
    "shopId" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "orderId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "amountMinor" BIGINT NOT NULL,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "CustomerScore" (
    "shopId" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "frequency" INTEGER NOT NULL,
    "recencyDays" INTEGER NOT NULL,
    "monetaryMinor" BIGINT NOT NULL,
    "r" INTEGER NOT NULL,
    "f" INTEGER NOT NULL,
    "m" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "x" INTEGER NOT NULL,
    "tx" INTEGER NOT NULL,
    "T" INTEGER NOT NULL,
    "pAlive" DOUBLE PRECISION NOT NULL,
    "churnProbability" DOUBLE PRECISION NOT NULL,
    "expectedPurchases90d" DOUBLE PRECISION NOT NULL,
    "predictedClv12m" DOUBLE PRECISION NOT NULL,
    "model" TEXT NOT NULL,
    "explanation" JSONB NOT NULL,
    "holdout" BOOLEAN NOT NULL DEFAULT false,
    "writtenHash" TEXT,
    "writtenAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerScore_pkey" PRIMARY KEY ("shopId","customerId")
);

-- CreateTable
CREATE TABLE "SegmentTransition" (
    "id" BIGSERIAL NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "fromSegment" TEXT,
    "toSegment" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" JSONB NOT NULL,
    "flowStatus" TEXT NOT NULL DEFAULT 'none',

    CONSTRAINT "SegmentTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentSnapshot" (
    "shopId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "segment" TEXT NOT NULL,
    "customers" INTEGER NOT NULL,
    "valueMinor" BIGINT NOT NULL,
    "predictedClv12m" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "SegmentSnapshot_pkey" PRIMARY KEY ("shopId","day","segment")
);

-- CreateTable
CREATE TABLE "WebhookEvent" (
    "id" BIGSERIAL NOT NULL,
    "webhookId" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "payload" JSONB,
    "triggeredAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" BIGSERIAL NOT NULL,
    "shopDomain" TEXT,
    "queue" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "jobId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "stats" JSONB,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BulkLineItemStage" (
    "shopId" TEXT NOT NULL,
    "lineItemId" BIGINT NOT NULL,
    "orderId" BIGINT NOT NULL,
    "productType" TEXT NOT NULL,

    CONSTRAINT "BulkLineItemStage_pkey" PRIMARY KEY ("shopId","lineItemId")
);

-- CreateTable
CREATE TABLE "ShopSegment" (
    "shopId" TEXT NOT NULL,
    "segmentKey" TEXT NOT NULL,
    "shopifySegmentId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopSegment_pkey" PRIMARY KEY ("shopId","segmentKey")
);

-- CreateTable
CREATE TABLE "WriteBackOperation" (
    "bulkOperationId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "lines" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "WriteBackOperation_pkey" PRIMARY KEY ("bulkOperationId")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "Shop_domain_key" ON "Shop"("domain");

-- CreateIndex
CREATE INDEX "Order_shopId_customerId_idx" ON "Order"("shopId", "customerId");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE INDEX "Refund_shopId_orderId_idx" ON "Refund"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "CustomerScore_shopId_segment_idx" ON "CustomerScore"("shopId", "segment");

-- CreateIndex
CREATE INDEX "SegmentTransition_shopId_at_idx" ON "SegmentTransition"("shopId", "at");

-- CreateIndex
CREATE INDEX "SegmentTransition_shopId_customerId_idx" ON "SegmentTransition"("shopId", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookEvent_webhookId_key" ON "WebhookEvent"("webhookId");

-- CreateIndex
CREATE INDEX "WebhookEvent_status_receivedAt_idx" ON "WebhookEvent"("status", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shopDomain_topic_idx" ON "WebhookEvent"("shopDomain", "topic");

-- CreateIndex
CREATE INDEX "JobRun_shopDomain_name_startedAt_idx" ON "JobRun"("shopDomain", "name", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShopSegment_shopId_shopifySegmentId_key" ON "ShopSegment"("shopId", "shopifySegmentId");

-- AddForeignKey
ALTER TABLE "ShopSettings" ADD CONSTRAINT "ShopSettings_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Customer" ADD CONSTRAINT "Customer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerScore" ADD CONSTRAINT "CustomerScore_shopId_customerId_fkey" FOREIGN KEY ("shopId", "customerId") REFERENCES "Customer"("shopId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

