// Write-back benchmark (npm run bench:writeback): customers changing segment
// on a standard-plan simulated shop (restore 100 points/s, bucket 2,000).
//
// 1. Bulk mode: N = 100,000 customers (BENCH_CUSTOMERS) change segment; time
//    until Shopify has everything (three bulk mutations: tagsRemove, tagsAdd,
//    metafieldsSet) and PostgreSQL recorded it.
// 2. Per-call mode: 100,000 customers at 100 points/s would need ~2.3M points
//    ≈ 6.5 hours, so it runs on a subset (BENCH_PERCALL_CUSTOMERS, default
//    2,000) with restore rate and bucket both scaled ×10 through the
//    simulator's setRateLimit hook (1,000 points/s, bucket 20,000). Figure of
//    merit: elapsed ÷ theoretical minimum, where the minimum is
//    (points Shopify charged − initial bucket) ÷ restore rate; target ≤ 1.2.
//    The ratio does not depend on the scale; the time for 100,000 customers at
//    the real rate is extrapolated from the charged points.
import { startSimulator } from "../test/simulator/server";
import { emptyShop } from "../test/simulator/generator";
import type { SimCustomer } from "../test/simulator/model";
import { printTargets } from "./support/targets";

const N_BULK = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const N_PERCALL = Number(process.env.BENCH_PERCALL_CUSTOMERS ?? 2_000);
const SCALE = Number(process.env.BENCH_RATE_SCALE ?? 10);
const ASOF = new Date("2026-11-22T00:00:00Z");
const BASE_ID = 8_000_000_000;

async function main() {
  const sim = await startSimulator({ port: 0, options: { bulkStartDelayMs: 20, bulkRunMs: 200 } });
  process.env.SHOPIFY_SIMULATOR_URL = sim.url;
  const { prisma } = await import("../app/db.server");
  const { pool } = await import("../app/db-pool.server");
  const { adminClientFor } = await import("../app/shopify.server");
  const { writeBackShop } = await import("../app/jobs/processors/write-back.server");
  const { planCustomerWrite } = await import("../app/domain/writeback-plan");
  const { isHoldout } = await import("../app/domain/holdout");
  const { SEGMENT_KEYS } = await import("../app/domain/segment-map");

  /** A shop whose n customers were written in segment A; their scores now say segment B. */
  async function prepare(domain: string, n: number) {
    const old = await prisma.shop.findUnique({ where: { domain } });
    if (old) {
      await prisma.writeBackOperation.deleteMany({ where: { shopId: old.id } });
      await prisma.shop.delete({ where: { id: old.id } });
    }
    await prisma.session.deleteMany({ where: { shop: domain } });
    const simShop = emptyShop({ domain, plan: "standard" });
    sim.ctx.shops.set(domain, simShop);
    await prisma.session.create({ data: { id: `offline_${domain}`, shop: domain, state: "", isOnline: false, accessToken: sim.ctx.hooks!.issueAccessToken(domain), scope: "read_customers,write_customers" } });
    const shop = await prisma.shop.create({ data: { domain, settings: { create: {} } } });

    const ids: string[] = [];
    const oldSeg: string[] = [];
    const newSeg: string[] = [];
    const appTags: string[] = [];
    const hashes: string[] = [];
    const holdouts: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const id = BASE_ID + i;
      const a = SEGMENT_KEYS[i % SEGMENT_KEYS.length];
      const b = SEGMENT_KEYS[(i + 1) % SEGMENT_KEYS.length];
      const holdout = isHoldout(domain, id, 10);
      const desiredOld = { segment: a, r: 1 + (i % 5), f: 1 + (i % 4), m: 1 + (i % 3), churnProbability: (i % 97) / 100, churnModel: "bgnbd", predictedClv12m: 50 + (i % 500), expectedPurchases90d: (i % 9) / 4, scoredAt: ASOF, holdout, tagPrefix: "rfm:", traits: [], traitTagPrefix: "trait:", expectedNextOrderDate: null };
      const plan = planCustomerWrite(desiredOld, { appTags: [], writtenHash: null });
      const c: SimCustomer = {
        id,
        createdAt: "2024-01-01T00:00:00Z",
        updatedAt: "2024-01-01T00:00:00Z",
        tags: [...plan.appTags, ...(i % 4 === 0 ? ["vip"] : [])].sort(),
        metafields: plan.metafields.map((m) => ({ namespace: m.namespace, key: m.key, type: m.type, value: m.value, updatedAt: "2026-11-21T00:00:00Z" })),
      };
      simShop.customers.set(id, c);
      ids.push(String(id));
      oldSeg.push(a);
      newSeg.push(b);
      appTags.push(plan.appTags.join(","));
      hashes.push(plan.hash);
      holdouts.push(holdout);
    }
    await pool.query(
      `INSERT INTO "Customer" ("shopId", id, "appTags")
       SELECT $1, v.id, string_to_array(v.tags, ',') FROM unnest($2::bigint[], $3::text[]) AS v(id, tags)`,
      [shop.id, ids, appTags],
    );
    // Scores now: segment B (r changes with it), everything else as written.
    await pool.query(
      `INSERT INTO "CustomerScore" ("shopId", "customerId", "asOf", frequency, "recencyDays", "monetaryMinor", r, f, m, segment, x, tx, "T",
                                    "pAlive", "churnProbability", "expectedPurchases90d", "predictedClv12m", model, holdout, "writtenHash", "writtenAt", "updatedAt")
       SELECT $1, v.id, $2, 2, 10, 10000, 1 + ((v.n + 1) % 5), 1 + (v.n % 4), 1 + (v.n % 3), v.seg, 1, 10, 100,
              0.9, (v.n % 97) / 100.0, (v.n % 9) / 4.0, 50 + (v.n % 500), 'bgnbd', v.holdout, v.hash, now(), now()
         FROM (SELECT u.*, (u.ord - 1)::int AS n FROM unnest($3::bigint[], $4::text[], $5::text[], $6::boolean[]) WITH ORDINALITY AS u(id, seg, hash, holdout, ord)) AS v`,
      [shop.id, ASOF, ids, newSeg, hashes, holdouts],
    );
    return { shop, simShop, ids, newSeg };
  }

  function verify(simShop: ReturnType<typeof emptyShop>, ids: string[], newSeg: string[]) {
    let bad = 0;
    for (let i = 0; i < ids.length; i++) {
      const c = simShop.customers.get(Number(ids[i]))!;
      const seg = c.tags.filter((t) => t.startsWith("rfm:") && t !== "rfm:holdout");
      const mf = c.metafields.find((m) => m.key === "segment")?.value;
      if (seg.length !== 1 || seg[0] !== `rfm:${newSeg[i]}` || mf !== newSeg[i]) bad++;
    }
    return bad;
  }

  // ---------- per-call ----------
  const perDomain = "bench-writeback-percall.myshopify.com";
  const rate = 100 * SCALE;
  const bucket = 2000 * SCALE;
  sim.ctx.hooks!.setRateLimit(perDomain, { restoreRate: rate, maximumAvailable: bucket });
  const p = await prepare(perDomain, N_PERCALL);
  const perClient = await adminClientFor(perDomain);
  let t0 = Date.now();
  const perRes = await writeBackShop(perDomain, { client: perClient, mode: "per-call" });
  const perMs = Date.now() - t0;
  const charged = perClient.stats.costCharged;
  const theoreticalS = Math.max(0, charged - bucket) / rate;
  const ratio = perMs / 1000 / theoreticalS;
  const perBad = verify(p.simShop, p.ids, p.newSeg);
  const pointsPerCustomer = charged / N_PERCALL;

  // ---------- bulk ----------
  const bulkDomain = "bench-writeback-bulk.myshopify.com";
  const b = await prepare(bulkDomain, N_BULK);
  const bulkClient = await adminClientFor(bulkDomain);
  t0 = Date.now();
  const bulkRes = await writeBackShop(bulkDomain, { client: bulkClient, pollMs: 250 });
  const bulkMs = Date.now() - t0;
  const bulkBad = verify(b.simShop, b.ids, b.newSeg);

  const extrapolatedS = (pointsPerCustomer * N_BULK - 2000) / 100;
  console.log(
    [
      "write-back benchmark (standard plan: restore 100 points/s, bucket 2,000)",
      "",
      `per-call mode: ${N_PERCALL.toLocaleString("en")} customers changing segment, rate and bucket scaled x${SCALE} (${rate} points/s, bucket ${bucket.toLocaleString("en")})`,
      `  mutations: ${perRes.tagCalls} tag calls + ${perRes.metafieldCalls} metafieldsSet calls in ${perRes.requests} requests; THROTTLED responses: ${perClient.stats.throttledResponses}`,
      `  points charged: ${charged.toLocaleString("en")} (${pointsPerCustomer.toFixed(2)} per customer)`,
      `  time to fully written: ${(perMs / 1000).toFixed(2)} s; theoretical minimum (charged - bucket) / rate: ${theoreticalS.toFixed(2)} s`,
      `  RATIO time / theoretical minimum: ${ratio.toFixed(3)} (target <= 1.2)`,
      `  customers wrong after write-back: ${perBad}`,
      `  extrapolated per-call time for ${N_BULK.toLocaleString("en")} customers at 100 points/s: ${(extrapolatedS / 3600).toFixed(2)} h`,
      "",
      `bulk mode: ${N_BULK.toLocaleString("en")} customers changing segment at the standard rate (unscaled)`,
      `  ${bulkRes.bulkOperations} bulk operations, ${bulkRes.bulkLines.toLocaleString("en")} JSONL lines, ${bulkRes.requests} requests`,
      `  time to fully written: ${(bulkMs / 1000).toFixed(2)} s`,
      `  customers written: ${bulkRes.customersWritten.toLocaleString("en")}, failed: ${bulkRes.customersFailed}, wrong after write-back: ${bulkBad}`,
      `  speed-up over per-call (extrapolated): x${(extrapolatedS / (bulkMs / 1000)).toFixed(0)}`,
    ].join("\n"),
  );
  if (perRes.errors.length || bulkRes.errors.length) console.log("errors:", perRes.errors, bulkRes.errors);
  printTargets([
    { what: "per-call time ≤ 1.2 × the restore-rate minimum", met: ratio <= 1.2, measured: `${ratio.toFixed(3)} ×` },
    { what: "every customer right after write-back (per-call and bulk)", met: perBad === 0 && bulkBad === 0 && bulkRes.customersFailed === 0, measured: `${perBad} + ${bulkBad} wrong, ${bulkRes.customersFailed} failed` },
  ]);
  await sim.close();
  await pool.end();
  await prisma.$disconnect();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
