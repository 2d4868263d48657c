// customers/data_request: a record of everything the app holds on one customer, stored
// for the merchant to download (the app holds ids, scores, traits, transitions and order
// totals only: no names, emails, phones or addresses). Scoped by shop.
import { prisma } from "../db.server";
import { reasonsFromScore } from "../domain/explanations";

export interface CustomerDataRecord {
  shopDomain: string;
  customerId: string;
  requestId: string | null;
  generatedAt: string;
  customer: { exists: boolean; shopifyCreatedAt: string | null; deletedAt: string | null; optedOutOfProfiling: boolean | null; appTags: string[] } | null;
  score: Record<string, unknown> | null;
  transitions: { from: string | null; to: string; at: string }[];
  traitEvents: { trait: string; at: string }[];
  orders: { id: string; processedAt: string; cancelled: boolean; test: boolean; currency: string; totalMinor: string; refundedMinor: string; discounted: boolean; productTypes: string[] }[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Builds the customer's record from what is stored now and keeps it; returns its id. */
export async function recordDataRequest(shop: { id: string; domain: string }, customerId: bigint, requestId: string | null, now: Date = new Date()): Promise<string> {
  const [customer, score, transitions, traitEvents, orders] = await Promise.all([
    prisma.customer.findUnique({ where: { shopId_id: { shopId: shop.id, id: customerId } } }),
    prisma.customerScore.findUnique({ where: { shopId_customerId: { shopId: shop.id, customerId } } }),
    prisma.segmentTransition.findMany({ where: { shopId: shop.id, customerId }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    prisma.traitEvent.findMany({ where: { shopId: shop.id, customerId }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
    prisma.order.findMany({ where: { shopId: shop.id, customerId }, orderBy: [{ processedAt: "asc" }, { id: "asc" }] }),
  ]);
  const record: CustomerDataRecord = {
    shopDomain: shop.domain,
    customerId: customerId.toString(),
    requestId,
    generatedAt: now.toISOString(),
    customer: customer
      ? { exists: true, shopifyCreatedAt: iso(customer.shopifyCreatedAt), deletedAt: iso(customer.deletedAt), optedOutOfProfiling: customer.optedOut, appTags: customer.appTags }
      : null,
    score: score
      ? {
          asOf: score.asOf.toISOString(),
          segment: score.segment,
          r: score.r,
          f: score.f,
          m: score.m,
          frequency: score.frequency,
          recencyDays: score.recencyDays,
          monetaryMinor: score.monetaryMinor.toString(),
          churnProbability: score.churnProbability,
          churnModel: score.churnModel,
          pAlive: score.pAlive,
          expectedPurchases90d: score.expectedPurchases90d,
          predictedClv12m: score.predictedClv12m,
          traits: score.traits,
          traitExplanations: score.traitReasons,
          expectedNextOrderAt: iso(score.expectedNextOrderAt),
          recoveredAt: iso(score.recoveredAt),
          discoveredSegment: score.clusterId,
          holdout: score.holdout,
          explanation: reasonsFromScore(score),
        }
      : null,
    transitions: transitions.map((t) => ({ from: t.fromSegment, to: t.toSegment, at: t.at.toISOString() })),
    traitEvents: traitEvents.map((e) => ({ trait: e.trait, at: e.at.toISOString() })),
    orders: orders.map((o) => ({
      id: o.id.toString(),
      processedAt: o.processedAt.toISOString(),
      cancelled: o.cancelledAt !== null,
      test: o.test,
      currency: o.currency,
      totalMinor: o.totalMinor.toString(),
      refundedMinor: o.refundedMinor.toString(),
      discounted: o.discountCodes.length > 0 || o.discountMinor > 0n,
      productTypes: o.productTypes,
    })),
  };
  const row = await prisma.dataRequest.create({ data: { shopId: shop.id, customerId, requestId, receivedAt: now, record: record as never } });
  return row.id.toString();
}

/** The shop's data requests, newest first (no record bodies). */
export async function listDataRequests(shopDomain: string, take = 100): Promise<{ id: string; customerId: string; requestId: string | null; receivedAt: string }[]> {
  const rows = await prisma.dataRequest.findMany({
    where: { shopId: (await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } }))?.id ?? "-" },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, customerId: true, requestId: true, receivedAt: true },
  });
  return rows.map((r) => ({ id: r.id.toString(), customerId: r.customerId.toString(), requestId: r.requestId, receivedAt: r.receivedAt.toISOString() }));
}

/** One data request's record, or null when it is not this shop's. */
export async function loadDataRequest(shopDomain: string, id: string): Promise<{ receivedAt: string; requestId: string | null; record: unknown } | null> {
  if (!/^\d{1,19}$/.test(id)) return null;
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true } });
  if (!shop) return null;
  const row = await prisma.dataRequest.findFirst({ where: { id: BigInt(id), shopId: shop.id } });
  return row ? { receivedAt: row.receivedAt.toISOString(), requestId: row.requestId, record: row.record } : null;
}
