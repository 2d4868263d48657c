// Test fixtures on a running harness: a shop created directly (simulator shop,
// offline session, Shop row with settings) and scored customers, for tests
// that exercise write-back and Flow without a backfill.
import { emptyShop } from "../simulator/generator";
import type { SimCustomer } from "../simulator/model";
import type { SegmentKey } from "../../app/domain/segment-map";
import type { Harness } from "./harness";

export interface ScoreInput {
  id: number;
  segment: SegmentKey;
  r?: number;
  f?: number;
  m?: number;
  churnProbability?: number;
  churnModel?: "bgnbd" | "supervised" | "heuristic";
  predictedClv12m?: number;
  expectedPurchases90d?: number;
  merchantTags?: string[];
  traits?: string[];
  expectedNextOrderAt?: Date;
}

const SCOPES = "read_customers,write_customers,read_orders,read_all_orders,read_products";

/** A fresh shop (any previous one of that domain removed) with a valid offline session in the simulator. */
export async function createShop(
  h: Harness,
  domain: string,
  settings: { flowTriggerEnabled?: boolean; holdoutPercent?: number; tagPrefix?: string; enabledTraits?: string[] } = {},
) {
  const prisma = h.app.db.prisma;
  const old = await prisma.shop.findUnique({ where: { domain } });
  if (old) {
    await prisma.shopSegment.deleteMany({ where: { shopId: old.id } });
    await prisma.writeBackOperation.deleteMany({ where: { shopId: old.id } });
    await prisma.segmentTransition.deleteMany({ where: { shopId: old.id } });
    await prisma.shop.delete({ where: { id: old.id } });
  }
  await prisma.session.deleteMany({ where: { shop: domain } });
  const simShop = emptyShop({ domain, plan: "standard" });
  h.sim.ctx.shops.set(domain, simShop);
  const token = h.sim.ctx.hooks!.issueAccessToken(domain);
  await prisma.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: token, scope: SCOPES },
  });
  const shop = await prisma.shop.create({ data: { domain, grantedScopes: SCOPES, settings: { create: { ...settings } } } });
  return { shop, simShop };
}

/** Upserts customers (simulator and database) and their scores. */
export async function setScores(h: Harness, domain: string, shopId: string, inputs: ScoreInput[], asOf = new Date("2026-11-22T00:00:00Z")) {
  const prisma = h.app.db.prisma;
  const simShop = h.sim.ctx.shops.get(domain)!;
  for (const c of inputs) {
    if (!simShop.customers.has(c.id)) {
      const customer: SimCustomer = { id: c.id, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z", tags: [...(c.merchantTags ?? [])].sort(), metafields: [] };
      simShop.customers.set(c.id, customer);
    }
  }
  await prisma.customer.createMany({ data: inputs.map((c) => ({ shopId, id: BigInt(c.id) })), skipDuplicates: true });
  for (const c of inputs) {
    const data = {
      asOf,
      frequency: 2,
      recencyDays: 10,
      monetaryMinor: 10_000n,
      r: c.r ?? 3,
      f: c.f ?? 3,
      m: c.m ?? 3,
      segment: c.segment,
      x: 1,
      tx: 10,
      T: 100,
      pAlive: 0.9,
      churnProbability: c.churnProbability ?? 0.25,
      expectedPurchases90d: c.expectedPurchases90d ?? 0.75,
      predictedClv12m: c.predictedClv12m ?? 120.5,
      model: "bgnbd",
      churnModel: c.churnModel ?? "bgnbd",
      traits: c.traits ?? [],
      expectedNextOrderAt: c.expectedNextOrderAt ?? null,
    };
    await prisma.customerScore.upsert({
      where: { shopId_customerId: { shopId, customerId: BigInt(c.id) } },
      create: { shopId, customerId: BigInt(c.id), ...data },
      update: data,
    });
  }
}
