/**
 * The simulator's bulk mutations alone, in process (no app, no database): a generated store,
 * then bulk metafieldsSet / tagsAdd operations of the app's shape, timed per JSONL line.
 *
 *   npx tsx scripts/sim-bulk-mutation.ts --customers 1000000 --lines 20000 [--ops 3] [--kind metafieldsSet|tagsAdd|both]
 *     [--emitter] [--sink-ms N] [--e2e-params] [--pages N]     (HEAP_PARTS=1 and --expose-gc: what the heap holds)
 *
 * --emitter attaches the real webhook emitter, delivering to a local HTTP sink that answers 200
 * (what the app does), so tagsAdd's customers/update webhooks cost what they cost in bench:e2e.
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { runMutation, completeAll } from "../test/simulator/bulk";
import { saveStagedUpload } from "../test/simulator/bulk-files";
import { generateStore } from "../test/simulator/generator";
import { startSimulator } from "../test/simulator/server";
import { attachWebhookEmitter } from "../test/simulator/webhook-emitter";

const { values: a } = parseArgs({
  options: {
    customers: { type: "string", default: "20000" },
    lines: { type: "string", default: "10000" },
    ops: { type: "string", default: "3" },
    kind: { type: "string", default: "both" },
    emitter: { type: "boolean", default: false },
    // Milliseconds the webhook sink takes to answer (the app's web process is not instant).
    "sink-ms": { type: "string", default: "0" },
    // bench:e2e's store: ~5 orders per customer.
    "e2e-params": { type: "boolean", default: false },
    // The app's write-back: pages of 50,000 customers, each a tagsAdd and a metafieldsSet op.
    pages: { type: "string", default: "0" },
  },
});
const nCustomers = Number(a.customers);
const nLines = Number(a.lines);
const nOps = Number(a.ops);

const METAFIELDS_SET = `mutation RfmBulkMetafieldsSet($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { userErrors { field message code elementIndex } } }`;
const TAGS_ADD = `mutation RfmBulkTagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { field message } } }`;

const mb = (b: number) => Math.round(b / 1048576);
/** The heap in use, after a full collection when run with --expose-gc (live objects, not garbage). */
const liveHeap = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
};
const mem = () => `rss ${mb(process.memoryUsage().rss)} MB, heap ${mb(liveHeap())} MB`;

let sink: http.Server | null = null;
let sinkUrl = "http://127.0.0.1:1";
if (a.emitter) {
  sink = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.writeHead(200).end(), Number(a["sink-ms"])));
  });
  await new Promise<void>((ok) => sink!.listen(0, "127.0.0.1", ok));
  const addr = sink.address();
  sinkUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
}

const sim = await startSimulator({ appUrl: sinkUrl });
const emitter = a.emitter ? attachWebhookEmitter(sim.ctx, { appUrl: sinkUrl, apiSecret: "local-dev-secret" }) : null;
const domain = "bench-bulk.myshopify.com";
const g0 = Date.now();
const { shop } = generateStore({
  domain,
  seed: 7,
  customers: nCustomers,
  years: 2,
  asOf: sim.ctx.now(),
  plan: "plus",
  ...(a["e2e-params"] ? { params: { r: 1.5, alpha: 40, a: 1.5, b: 6 } } : {}),
});
sim.ctx.shops.set(domain, shop);
console.log(`generated ${shop.customers.size.toLocaleString()} customers, ${shop.orders.size.toLocaleString()} orders in ${((Date.now() - g0) / 1000).toFixed(1)} s; ${mem()}`);

const ids = [...shop.customers.keys()];
const gidOf = (id: number) => `gid://shopify/Customer/${id}`;

function metafieldsLine(k: number, round: number): Record<string, unknown> {
  // Two customers per line (11 metafields each ≤ 25), as the app packs them.
  const metafields: Record<string, unknown>[] = [];
  for (const id of [ids[(2 * k) % ids.length], ids[(2 * k + 1) % ids.length]]) {
    const ownerId = gidOf(id);
    const ns = "$app:rfm";
    metafields.push(
      { ownerId, namespace: ns, key: "segment", type: "single_line_text_field", value: round % 2 ? "Champions" : "At risk" },
      { ownerId, namespace: ns, key: "r_score", type: "number_integer", value: String((k + round) % 5 + 1) },
      { ownerId, namespace: ns, key: "f_score", type: "number_integer", value: "3" },
      { ownerId, namespace: ns, key: "m_score", type: "number_integer", value: "4" },
      { ownerId, namespace: ns, key: "churn_probability", type: "number_decimal", value: `0.${1000 + round}` },
      { ownerId, namespace: ns, key: "churn_model", type: "single_line_text_field", value: "bgnbd" },
      { ownerId, namespace: ns, key: "predicted_clv_12m", type: "number_decimal", value: "123.45" },
      { ownerId, namespace: ns, key: "expected_purchases_90d", type: "number_decimal", value: "0.5000" },
      { ownerId, namespace: ns, key: "traits", type: "list.single_line_text_field", value: '["discount_seeker"]' },
      { ownerId, namespace: ns, key: "expected_next_order_date", type: "date", value: "2026-03-01" },
      { ownerId, namespace: ns, key: "scored_at", type: "date_time", value: `2026-01-0${(round % 9) + 1}T00:00:00Z` },
    );
  }
  return { metafields };
}

function tagsLine(k: number, round: number): Record<string, unknown> {
  return { id: gidOf(ids[k % ids.length]), tags: [`rfm:seg-${round}`] };
}

let webhooks = 0;
const emit = sim.ctx.emitWebhook;
sim.ctx.emitWebhook = (s, t, p) => {
  webhooks++;
  emit(s, t, p);
};

function stage(kind: "metafieldsSet" | "tagsAdd", round: number, count: number, offset: number) {
  const lines: string[] = [];
  for (let k = 0; k < count; k++) lines.push(JSON.stringify(kind === "metafieldsSet" ? metafieldsLine(offset + k, round) : tagsLine(offset + k, round)));
  const key = `tmp/1/bulk/bench-${kind}-${round}/bulk_op_vars`;
  sim.state.stagedUploads.set(`bench-${kind}-${round}`, { shop: domain, key, path: saveStagedUpload(`bench-${kind}-${round}`, lines.join("\n") + "\n") });
  const r = runMutation(sim.state, shop, kind === "metafieldsSet" ? METAFIELDS_SET : TAGS_ADD, key, null);
  if (r.userErrors.length) throw new Error(JSON.stringify(r.userErrors));
  return r.bulkOperation!;
}

async function runOp(kind: "metafieldsSet" | "tagsAdd", round: number) {
  stage(kind, round, nLines, round * nLines);
  const w0 = webhooks;
  const t0 = process.hrtime.bigint();
  await completeAll(sim.state, domain);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(
    `${kind} op ${round + 1}: ${nLines.toLocaleString()} lines in ${(ms / 1000).toFixed(2)} s = ${(ms / nLines).toFixed(3)} ms/line; ` +
      `${webhooks - w0} webhooks; customerWrites ${sim.ctx.customerWrites.length.toLocaleString()}; ${mem()}`,
  );
}

/** One page as the app sends it: both ops staged, then run to their end one after the other. */
async function runPage(page: number) {
  const per = 50_000;
  const t0 = process.hrtime.bigint();
  const w0 = webhooks;
  stage("tagsAdd", page, per, page * per);
  stage("metafieldsSet", page, per / 2, (page * per) / 2);
  await completeAll(sim.state, domain);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`page ${page + 1}: ${per.toLocaleString()} tagsAdd + ${(per / 2).toLocaleString()} metafieldsSet lines in ${(ms / 1000).toFixed(2)} s = ${(ms / (1.5 * per)).toFixed(3)} ms/line; ${webhooks - w0} webhooks; ${mem()}`);
}

for (let page = 0; page < Number(a.pages); page++) await runPage(page);
if (process.env.HEAP_PARTS) {
  const before = liveHeap();
  sim.ctx.customerWrites.length = 0;
  const after = liveHeap();
  // The emitter's private queue and logs, emptied to see what they held.
  const internals = emitter as unknown as { queue: unknown[]; head: number; log: unknown[]; emitted: unknown[]; byId: Map<string, unknown>; copiesLeft: Map<string, unknown> } | null;
  const backlog = internals ? internals.queue.length - internals.head : 0;
  emitter?.close();
  if (internals) {
    internals.queue.length = internals.log.length = internals.emitted.length = 0;
    internals.byId.clear();
    internals.copiesLeft.clear();
  }
  const after2 = liveHeap();
  let fileBytes = 0;
  for (const f of sim.state.files.values()) fileBytes += (f as { data?: string }).data?.length ?? 0;
  sim.state.files.clear();
  for (const ex of sim.state.extras.values()) ex.bulkOps.length = 0;
  const afterFiles = liveHeap();
  console.log(`result files ${mb(fileBytes)} MB of text; files and bulk ops ${mb(after2 - afterFiles)} MB heap`);
  for (const c of shop.customers.values()) c.metafields = [];
  const after3 = liveHeap();
  console.log(`customerWrites ${mb(before - after)} MB heap (staged uploads are on disk); emitter ${mb(after - after2)} MB (backlog ${backlog}); customers' metafields ${mb(afterFiles - after3)} MB`);
}

for (let round = 0; round < nOps; round++) {
  if (a.kind === "both" || a.kind === "metafieldsSet") await runOp("metafieldsSet", round);
  if (a.kind === "both" || a.kind === "tagsAdd") await runOp("tagsAdd", round);
}
await sim.close();
sink?.close();
process.exit(0);
