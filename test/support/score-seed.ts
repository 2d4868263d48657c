// Scored customers and segment moves inserted straight into the database, for
// tests of the pages that show them. Takes the app's Prisma client as an
// argument, so it can be used after the app's modules are loaded.
import type { PrismaClient } from "@prisma/client";

export interface SeededCustomer {
  id: number;
  segment: string;
  holdout?: boolean;
  monetaryMinor?: bigint;
  churnProbability?: number;
  pAlive?: number;
  predictedClv12m?: number;
  deleted?: boolean;
}

export interface SeededMove {
  customerId: number;
  from: string | null;
  to: string;
  daysAgo: number;
  why?: string;
}

const DAY = 86_400_000;

/** A customer score row whose reasons render to known sentences. */
export function scoreRow(shopId: string, c: SeededCustomer, asOf: Date) {
  return {
    shopId,
    customerId: BigInt(c.id),
    asOf,
    frequency: 2,
    recencyDays: 10,
    monetaryMinor: c.monetaryMinor ?? 10_000n,
    r: 4,
    f: 2,
    m: 3,
    segment: c.segment,
    x: 1,
    tx: 20,
    T: 100,
    pAlive: c.pAlive ?? 0.8,
    churnProbability: c.churnProbability ?? 0.3,
    expectedPurchases90d: 0.7,
    predictedClv12m: c.predictedClv12m ?? 55.5,
    model: "heuristic",
    churnModel: "heuristic",
    // The reasons' own numbers: they render to known sentences (reasonsFromScore).
    recencyPercent: 72,
    frequencyPercent: 40,
    monetaryPercent: 50,
    horizonDays: 90,
    typicalGapDays: 30,
    holdout: c.holdout ?? false,
  };
}

/** Customers with scores, and their segment moves, for an installed shop. */
export async function seedScores(
  prisma: PrismaClient,
  shopId: string,
  customers: SeededCustomer[],
  moves: SeededMove[] = [],
  asOf = new Date(),
): Promise<void> {
  await prisma.customer.createMany({
    data: customers.map((c) => ({ shopId, id: BigInt(c.id), deletedAt: c.deleted ? asOf : null })),
  });
  await prisma.customerScore.createMany({ data: customers.map((c) => scoreRow(shopId, c, asOf)) });
  if (moves.length === 0) return;
  await prisma.segmentTransition.createMany({
    data: moves.map((m) => ({
      shopId,
      customerId: BigInt(m.customerId),
      fromSegment: m.from,
      toSegment: m.to,
      at: new Date(asOf.getTime() - m.daysAgo * DAY),
      reason: { why: m.why ?? "test" },
    })),
  });
}

/** Everything a test created for these shops (transitions have no foreign key to the shop). */
export async function removeShops(prisma: PrismaClient, domains: string[]): Promise<void> {
  const shops = await prisma.shop.findMany({ where: { domain: { in: domains } }, select: { id: true } });
  await prisma.segmentTransition.deleteMany({ where: { shopId: { in: shops.map((s) => s.id) } } });
  await prisma.shop.deleteMany({ where: { domain: { in: domains } } });
  await prisma.session.deleteMany({ where: { shop: { in: domains } } });
}
