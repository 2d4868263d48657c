import { prisma } from "../db.server";
import { reasonsFromScore, renderReasons } from "../domain/explanations";
import { SEGMENT_NAMES, type SegmentKey } from "../domain/segment-map";

const HISTORY_LIMIT = 100;

export interface CustomerDetail {
  customerId: string;
  currency: string;
  deleted: boolean;
  score: {
    asOf: string;
    segment: string;
    segmentName: string;
    r: number;
    f: number;
    m: number;
    frequency: number;
    recencyDays: number;
    monetaryMinor: string;
    churnProbability: number;
    pAlive: number;
    expectedPurchases90d: number;
    predictedClv12m: number;
    model: string;
    holdout: boolean;
    reasons: string[];
    churnModel: string;
    /** Trait keys with their explanation in words and numbers. */
    traits: { key: string; text: string }[];
    specialistType: string | null;
    /** YYYY-MM-DD, null with fewer than 2 orders. */
    expectedNextOrderDate: string | null;
  } | null;
  transitions: { id: string; fromSegment: string | null; toSegment: string; fromName: string | null; toName: string; at: string; why: string | null }[];
}

const segmentName = (key: string) => SEGMENT_NAMES[key as SegmentKey] ?? key;

/** The stored explanation of one trait (scores from before explanations were stored: empty). */
function traitText(stored: unknown, key: string): string {
  const list = Array.isArray(stored) ? (stored as { key?: unknown; text?: unknown }[]) : [];
  const hit = list.find((r) => r.key === key);
  return typeof hit?.text === "string" ? hit.text : "";
}

/**
 * One customer's score, explanation and segment history, or null when the id is not a
 * customer of this shop (the route answers 404). Only ids and numbers: no names or emails.
 */
export async function loadCustomerDetail(shopDomain: string, customerIdParam: string | undefined): Promise<CustomerDetail | null> {
  if (!customerIdParam || !/^\d{1,19}$/.test(customerIdParam)) return null;
  const customerId = BigInt(customerIdParam);
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain }, select: { id: true, currency: true } });
  if (!shop) return null;
  const customer = await prisma.customer.findUnique({
    where: { shopId_id: { shopId: shop.id, id: customerId } },
    select: { id: true, deletedAt: true, score: true },
  });
  if (!customer) return null;
  const transitions = await prisma.segmentTransition.findMany({
    where: { shopId: shop.id, customerId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: HISTORY_LIMIT,
    select: { id: true, fromSegment: true, toSegment: true, at: true, reason: true },
  });
  const s = customer.score;
  return {
    customerId: customer.id.toString(),
    currency: shop.currency,
    deleted: customer.deletedAt !== null,
    score: s
      ? {
          asOf: s.asOf.toISOString(),
          segment: s.segment,
          segmentName: segmentName(s.segment),
          r: s.r,
          f: s.f,
          m: s.m,
          frequency: s.frequency,
          recencyDays: s.recencyDays,
          monetaryMinor: s.monetaryMinor.toString(),
          churnProbability: s.churnProbability,
          pAlive: s.pAlive,
          expectedPurchases90d: s.expectedPurchases90d,
          predictedClv12m: s.predictedClv12m,
          model: s.model,
          holdout: s.holdout,
          reasons: renderReasons(reasonsFromScore(s)),
          churnModel: s.churnModel,
          traits: s.traits.map((key) => ({ key, text: traitText(s.traitReasons, key) })),
          specialistType: s.specialistType,
          expectedNextOrderDate: s.expectedNextOrderAt ? s.expectedNextOrderAt.toISOString().slice(0, 10) : null,
        }
      : null,
    transitions: transitions.map((t) => ({
      id: t.id.toString(),
      fromSegment: t.fromSegment,
      toSegment: t.toSegment,
      fromName: t.fromSegment ? segmentName(t.fromSegment) : null,
      toName: segmentName(t.toSegment),
      at: t.at.toISOString(),
      why: t.reason && typeof t.reason === "object" && "why" in t.reason ? String((t.reason as { why: unknown }).why) : null,
    })),
  };
}
