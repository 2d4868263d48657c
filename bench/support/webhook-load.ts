// Shared by bench:webhooks and bench:soak: signed webhook POSTs to the app's
// web process, and an open-loop driver (request i is due at t0 + i/rate,
// whatever the answers so far; at most `concurrency` in flight).
// Signing, URL and API version come from the simulator's own emitter
// (WebhookEmitter.sign / urlFor / getOptions), so a request is what Shopify's
// delivery looks like.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { WebhookEmitter } from "../../test/simulator/webhook-emitter";
import { API_SECRET } from "../../test/support/procs";
import { percentile } from "../../test/support/stats";
import { sleep } from "../../test/support/timing";

/** status null: no HTTP answer (connection error or the 10 s client timeout). */
export interface Answer {
  status: number | null;
  ms: number;
}

export interface WebhookSender {
  send(shop: string, topic: string, body: string, webhookId: string): Promise<Answer>;
  close(): void;
}

export function webhookSender(o: { appUrl: string; concurrency: number }): WebhookSender {
  const emitter = new WebhookEmitter({ appUrl: o.appUrl, apiSecret: API_SECRET });
  const apiVersion = (emitter.getOptions() as { apiVersion: string }).apiVersion;
  const urls = new Map<string, URL>();
  const urlFor = (topic: string) => {
    let url = urls.get(topic);
    if (!url) {
      const u = emitter.urlFor(topic);
      if (!u) throw new Error(`shopify.app.toml routes no webhook URI for ${topic}`);
      urls.set(topic, (url = new URL(u)));
    }
    return url;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  return {
    send(shop, topic, body, webhookId) {
      const headers = {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(body)),
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": emitter.sign(body),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": apiVersion,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": randomUUID(),
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "User-Agent": "Shopify-Captain-Hook",
      };
      const t0 = performance.now();
      return new Promise((resolve) => {
        const req = http.request(urlFor(topic), { method: "POST", agent, headers, timeout: 10_000 }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? null, ms: performance.now() - t0 }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", () => resolve({ status: null, ms: performance.now() - t0 }));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
      emitter.close();
    },
  };
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests per second actually started over the run. */
  achieved: number;
  p50: number;
  p99: number;
  max: number;
  /** Most a request started after its due time, ms (the client waited for one of `concurrency` slots, or for its own CPU). */
  maxLagMs: number;
}

/** Sends `total` requests at `rate`/s (open loop); `request(i)` sends the i-th. */
export async function openLoop(o: {
  rate: number;
  total: number;
  concurrency: number;
  request: (i: number) => Promise<Answer>;
  /** Stop scheduling new requests when it returns true (those in flight still finish). */
  stop?: () => boolean;
}): Promise<OpenLoopResult> {
  const lat: number[] = [];
  let ok = 0,
    non2xx = 0,
    errors = 0,
    inFlight = 0,
    maxLagMs = 0,
    sent = 0;
  const waiters: (() => void)[] = [];
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < o.total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    while (inFlight >= o.concurrency) await new Promise<void>((r) => waiters.push(r));
    if (o.stop?.()) break;
    maxLagMs = Math.max(maxLagMs, performance.now() - due);
    inFlight++;
    sent++;
    pending.push(
      o.request(i).then((answer) => {
        inFlight--;
        waiters.shift()?.();
        lat.push(answer.ms);
        if (answer.status === null) errors++;
        else if (answer.status >= 200 && answer.status < 300) ok++;
        else non2xx++;
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { sent, ok, non2xx, errors, achieved: sent / elapsed, p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] ?? NaN, maxLagMs };
}
