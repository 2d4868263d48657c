// Shared setup of the write-back integration tests: a simulator over HTTP,
// the app's modules pointed at it (SHOPIFY_SIMULATOR_URL set before import),
// and helpers to create a shop (with an offline session) and scored customers.
import { startSimulator, type RunningSimulator } from "../simulator/server";
import { emptyShop } from "../simulator/generator";
import type { SimCustomer } from "../simulator/model";
import type { SegmentKey } from "../../app/domain/segment-map";

export interface ScoreInput {
  id: number;
  segment: SegmentKey;
  r?: number;
  f?: number;
  m?: number;
  churnProbability?: number;
  predictedClv12m?: number;
  expectedPurchases90d?: number;
  merchantTags?: string[];
}

export async function startWritebackEnv() {
  const sim = await startSimulator({ port: 0, options: { bulkRunMs: 20, bulkStartDelayMs: 5 } });
  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  const db = await import("../../app/db.server");
  const pool = await import("../../app/db-pool.server");
  const adminClient = await import("../../app/shopify/admin-client.server");
  const writeback = await import("../../app/shopify/writeback.server");
  const segments = await import("../../app/shopify/segments.server");
  const metafields = await import("../../app/shopify/metafields.server");
  const flow = await import("../../app/shopify/flow.server");
  const prisma = db.prisma;

  async function createShop(domain: string, settings: { flowTriggerEnabled?: boolean; holdoutPercent?: number; tagPrefix?: string } = {}) {
    const old = await prisma.shop.findUnique({ where: { domain } });
    if (old) {
      await prisma.shopSegment.deleteMany({ where: { shopId: old.id } });
      await prisma.writeBackOperation.deleteMany({ where: { shopId: old.id } });
      await prisma.segmentTransition.deleteMany({ where: { shopId: old.id } });
      await prisma.shop.delete({ where: { id: old.id } });
    }
    await prisma.session.deleteMany({ where: { shop: domain } });
    const simShop = emptyShop({ domain, plan: "standard" });
    sim.ctx.shops.set(domain, simShop);
    const token = sim.ctx.hooks!.issueAccessToken(domain);
    await prisma.session.create({
      data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: token, scope: "read_customers,write_customers,read_orders,read_all_orders" },
    });
    const shop = await prisma.shop.create({ data: { domain, grantedScopes: "read_customers,write_customers,read_orders,read_all_orders", settings: { create: { ...settings } } } });
    return { shop, simShop };
  }

  /** Upsert customers (sim + DB) and their scores. */
  async function setScores(domain: string, shopId: string, inputs: ScoreInput[], asOf = new Date("2026-11-22T00:00:00Z")) {
    const simShop = sim.ctx.shops.get(domain)!;
    for (const c of inputs) {
      if (!simShop.customers.has(c.id)) {
        const cust: SimCustomer = { id: c.id, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z", tags: [...(c.merchantTags ?? [])].sort(), metafields: [] };
        simShop.customers.set(c.id, cust);
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
        explanation: {},
      };
      await prisma.customerScore.upsert({
        where: { shopId_customerId: { shopId, customerId: BigInt(c.id) } },
        create: { shopId, customerId: BigInt(c.id), ...data },
        update: data,
      });
    }
  }

  async function client(domain: string) {
    return adminClient.adminClientFor(domain);
  }

  async function close() {
    await sim.close();
    await pool.pool.end();
    await prisma.$disconnect();
  }

  return { sim, prisma, pool: pool.pool, writeback, segments, metafields, flow, createShop, setScores, client, close };
}

export type WritebackEnv = Awaited<ReturnType<typeof startWritebackEnv>>;
