// Delivers simulated Shopify webhooks to the app over real HTTP, the way
// Shopify does: POST to appUrl + the subscription uri from shopify.app.toml,
// signed with X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body with
// the app secret), answered within 5 s or retried (8 retries over 4 hours,
// exponential backoff; compressed here by `timeFactor`).
//
// Faults for tests: duplicate deliveries (same X-Shopify-Webhook-Id),
// out-of-order delivery (random delay within a window), dropped deliveries
// (recorded, never sent). Every attempt is logged.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SimulatorContext } from "./context";
import { createRng } from "../support/random";

/** Shopify: 8 retries over 4 hours with exponential backoff (seconds after each failure). */
export const SHOPIFY_RETRY_DELAYS_S = [60, 120, 240, 480, 900, 1800, 3600, 7200];

export const DEFAULT_TOML_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "../../shopify.app.toml");

export interface TomlWebhookConfig {
  apiVersion: string | null;
  /** topic → uri (path or absolute URL). */
  routes: Record<string, string>;
  complianceTopics: string[];
}

function tomlStringArray(src: string): string[] {
  return [...src.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
}

/** Reads webhook subscriptions from shopify.app.toml (just the parts the simulator needs). */
export function readWebhookConfig(tomlPath = DEFAULT_TOML_PATH): TomlWebhookConfig {
  const text = readFileSync(tomlPath, "utf8");
  const routes: Record<string, string> = {};
  const complianceTopics: string[] = [];
  let apiVersion: string | null = null;
  let section = "";
  let block: { topics: string[]; compliance: string[]; uri?: string } | null = null;
  const flush = () => {
    if (block?.uri) {
      for (const t of block.topics) routes[t] = block.uri;
      for (const t of block.compliance) {
        routes[t] = block.uri;
        complianceTopics.push(t);
      }
    }
    block = null;
  };
  // Join multi-line arrays onto one line.
  const lines = text.replace(/\[\s*\n([\s\S]*?)\]/g, (m) => m.replace(/\n/g, " ")).split("\n");
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const arr = /^\[\[\s*([\w.]+)\s*\]\]$/.exec(line);
    const tbl = /^\[\s*([\w.]+)\s*\]$/.exec(line);
    if (arr || tbl) {
      flush();
      section = (arr ?? tbl)![1];
      if (arr && section === "webhooks.subscriptions") block = { topics: [], compliance: [] };
      continue;
    }
    const kv = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv;
    if (section === "webhooks" && key === "api_version") apiVersion = tomlStringArray(value)[0] ?? null;
    if (block && section === "webhooks.subscriptions") {
      if (key === "topics") block.topics = tomlStringArray(value);
      if (key === "compliance_topics") block.compliance = tomlStringArray(value);
      if (key === "uri") block.uri = tomlStringArray(value)[0];
    }
  }
  flush();
  return { apiVersion, routes, complianceTopics };
}

export interface WebhookEmitterOptions {
  /** Base URL of the app, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  apiSecret: string;
  /** X-Shopify-API-Version (default: [webhooks] api_version of the toml, else 2026-01). */
  apiVersion?: string;
  /** topic → uri; default read from tomlPath. */
  routes?: Record<string, string>;
  tomlPath?: string;
  /** Probability that a webhook is delivered twice (same webhook id). */
  duplicateRate?: number;
  /** Each delivery waits a random 0..window ms before its first attempt (reorders deliveries). */
  reorderWindowMs?: number;
  /** Probability that a webhook is dropped (recorded, never sent). */
  dropRate?: number;
  /** Retry on non-2xx / timeout / network error (default true). */
  retry?: boolean;
  /** Number of retries after the first attempt (Shopify: 8). */
  maxRetries?: number;
  /** Retry delays are SHOPIFY_RETRY_DELAYS_S × 1000 × timeFactor ms (default 0.001: 4 h → 14.4 s). */
  timeFactor?: number;
  /** Max concurrent HTTP requests (default 16). */
  concurrency?: number;
  /** Per-attempt timeout in ms (Shopify: 5 s). */
  timeoutMs?: number;
  /** Seed for the fault decisions (default random per emitter). */
  seed?: string | number;
  /** Clock for X-Shopify-Triggered-At (default real time). */
  now?: () => Date;
  /** Keep at most this many log entries / emitted records (oldest dropped; default 100,000). */
  maxLogEntries?: number;
}

/** The fault options that can be set for one shop (WebhookEmitter.setShopFaults). */
export type ShopDeliveryFaults = Partial<Pick<Required<WebhookEmitterOptions>, "duplicateRate" | "reorderWindowMs" | "dropRate">>;

export interface DeliveryAttempt {
  seq: number;
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  /** 1 = first attempt, 2.. = retries. */
  attempt: number;
  /** Which copy: 0 original, 1 duplicate. */
  copy: number;
  status: number | null;
  ok: boolean;
  error?: string;
  latencyMs: number;
  startedAt: string;
}

export interface EmittedWebhook {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  triggeredAt: string;
  /** Number of copies scheduled (0 when dropped or not subscribed). */
  copies: number;
  dropped: boolean;
  /** Not subscribed in the toml: Shopify would not send it. */
  unsubscribed: boolean;
  /** "delivered" once any copy got a 2xx; "failed" when all attempts of every copy failed. */
  outcome: "pending" | "delivered" | "failed" | "dropped" | "unsubscribed";
  payload: unknown;
}

/** Emitted records older than this many keep no payload (dropped ones always keep it). */
export const KEEP_PAYLOADS = 5000;

interface Job {
  w: EmittedWebhook;
  body: string;
  hmac: string;
  url: string;
  copy: number;
  attempt: number;
}

export class WebhookEmitter {
  private opts: Required<Omit<WebhookEmitterOptions, "routes" | "tomlPath" | "apiVersion" | "seed">> & {
    apiVersion: string;
  };
  private routes: Record<string, string>;
  private rng: () => number;
  // A FIFO read from `head` (Array#shift moves every element: O(backlog) per delivery, and the
  // backlog of a bulk tagsAdd on a large store runs to hundreds of thousands of jobs).
  private queue: (Job | undefined)[] = [];
  private head = 0;
  private active = 0;
  private pending = 0;
  private waiters: (() => void)[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private attemptSeq = 0;
  private copiesLeft = new Map<string, number>();
  readonly log: DeliveryAttempt[] = [];
  readonly emitted: EmittedWebhook[] = [];
  readonly dropped: EmittedWebhook[] = [];
  private byId = new Map<string, EmittedWebhook>();
  private closed = false;
  private shopFaults = new Map<string, ShopDeliveryFaults>();

  constructor(options: WebhookEmitterOptions) {
    const toml = options.routes ? null : readWebhookConfig(options.tomlPath ?? DEFAULT_TOML_PATH);
    this.routes = options.routes ?? toml!.routes;
    this.rng = createRng(options.seed ?? randomUUID());
    this.opts = {
      appUrl: options.appUrl,
      apiSecret: options.apiSecret,
      apiVersion: options.apiVersion ?? toml?.apiVersion ?? "2026-01",
      duplicateRate: options.duplicateRate ?? 0,
      reorderWindowMs: options.reorderWindowMs ?? 0,
      dropRate: options.dropRate ?? 0,
      retry: options.retry ?? true,
      maxRetries: options.maxRetries ?? SHOPIFY_RETRY_DELAYS_S.length,
      timeFactor: options.timeFactor ?? 0.001,
      concurrency: options.concurrency ?? 16,
      timeoutMs: options.timeoutMs ?? 5000,
      now: options.now ?? (() => new Date()),
      maxLogEntries: options.maxLogEntries ?? 100_000,
    };
  }

  /**
   * Fault options for one shop's webhooks only, over the emitter-wide ones (the fault
   * suite storms one twin while its clean twin is delivered cleanly); null removes them.
   */
  setShopFaults(shopDomain: string, faults: ShopDeliveryFaults | null): void {
    if (faults) this.shopFaults.set(shopDomain, faults);
    else this.shopFaults.delete(shopDomain);
  }

  /** Change fault / delivery options at run time (seed re-seeds the fault RNG). */
  setOptions(patch: Partial<WebhookEmitterOptions>): void {
    const { routes, tomlPath, seed, ...rest } = patch;
    if (routes) this.routes = routes;
    else if (tomlPath) this.routes = readWebhookConfig(tomlPath).routes;
    if (seed !== undefined) this.rng = createRng(seed);
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (this.opts as Record<string, unknown>)[k] = v;
  }

  getOptions() {
    const { now: _now, apiSecret: _s, ...rest } = this.opts;
    return { ...rest, routes: { ...this.routes } };
  }

  /** Compute Shopify's signature for a raw body. */
  sign(body: string | Buffer): string {
    return createHmac("sha256", this.opts.apiSecret).update(body).digest("base64");
  }

  urlFor(topic: string): string | null {
    const uri = this.routes[topic];
    if (!uri) return null;
    if (/^https?:\/\//.test(uri)) return uri;
    return this.opts.appUrl.replace(/\/+$/, "") + (uri.startsWith("/") ? uri : `/${uri}`);
  }

  /** Queue a webhook for delivery. Returns its record (ids, outcome updated as delivery proceeds). */
  emit(shopDomain: string, topic: string, payload: unknown): EmittedWebhook {
    const w: EmittedWebhook = {
      webhookId: randomUUID(),
      eventId: randomUUID(),
      topic,
      shop: shopDomain,
      triggeredAt: this.opts.now().toISOString(),
      copies: 0,
      dropped: false,
      unsubscribed: false,
      outcome: "pending",
      payload,
    };
    this.remember(w);
    const url = this.urlFor(topic);
    if (this.closed) {
      w.outcome = "dropped";
      return w;
    }
    if (!url) {
      w.unsubscribed = true;
      w.outcome = "unsubscribed";
      return w;
    }
    const faults = { ...this.opts, ...this.shopFaults.get(shopDomain) };
    if (faults.dropRate > 0 && this.rng() < faults.dropRate) {
      w.dropped = true;
      w.outcome = "dropped";
      this.dropped.push(w);
      trimOldest(this.dropped, this.opts.maxLogEntries);
      return w;
    }
    const body = JSON.stringify(payload);
    const hmac = this.sign(body);
    w.copies = faults.duplicateRate > 0 && this.rng() < faults.duplicateRate ? 2 : 1;
    this.copiesLeft.set(w.webhookId, w.copies);
    for (let copy = 0; copy < w.copies; copy++) {
      this.pending++;
      const job: Job = { w, body, hmac, url, copy, attempt: 1 };
      const window = faults.reorderWindowMs;
      const delay = window > 0 ? this.rng() * window : copy > 0 ? 1 : 0;
      if (delay > 0) this.later(delay, () => this.enqueue(job));
      else this.enqueue(job);
    }
    return w;
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((res) => this.waiters.push(res));
  }

  get pendingCount(): number {
    return this.pending;
  }

  /** Delivery attempts, optionally filtered. */
  getLog(filter: { topic?: string; shop?: string; webhookId?: string; sinceSeq?: number } = {}): DeliveryAttempt[] {
    return this.log.filter(
      (a) =>
        (filter.topic === undefined || a.topic === filter.topic) &&
        (filter.shop === undefined || a.shop === filter.shop) &&
        (filter.webhookId === undefined || a.webhookId === filter.webhookId) &&
        (filter.sinceSeq === undefined || a.seq > filter.sinceSeq),
    );
  }

  getEmitted(webhookId: string): EmittedWebhook | undefined {
    return this.byId.get(webhookId);
  }

  /** Forget the log and records (pending deliveries continue). */
  clearLog(): void {
    this.log.length = 0;
    this.emitted.length = 0;
    this.dropped.length = 0;
    this.byId.clear();
  }

  /** Cancel all pending deliveries and retries. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
    this.head = 0;
    // Only in-flight attempts remain; they finish without retrying.
    this.pending = this.active;
    this.copiesLeft.clear();
    if (this.pending === 0) this.settle();
  }

  // ------------------------------------------------------------ internals --

  private remember(w: EmittedWebhook) {
    this.emitted.push(w);
    this.byId.set(w.webhookId, w);
    // Keep payloads only for the most recent records (and dropped ones) to bound memory.
    const old = this.emitted[this.emitted.length - 1 - KEEP_PAYLOADS];
    if (old && !old.dropped) old.payload = undefined;
    for (const o of trimOldest(this.emitted, this.opts.maxLogEntries)) this.byId.delete(o.webhookId);
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private enqueue(job: Job) {
    this.queue.push(job);
    this.pump();
  }

  private pump() {
    while (this.active < this.opts.concurrency && this.head < this.queue.length) {
      const job = this.queue[this.head]!;
      this.queue[this.head++] = undefined; // let the delivered job's body go
      if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
        this.queue.splice(0, this.head); // amortised: at most once per `head` deliveries
        this.head = 0;
      }
      this.active++;
      void this.attempt(job).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async attempt(job: Job) {
    const started = Date.now();
    const { w } = job;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Shopify-Topic": w.topic,
      "X-Shopify-Hmac-Sha256": job.hmac,
      "X-Shopify-Shop-Domain": w.shop,
      "X-Shopify-API-Version": this.opts.apiVersion,
      "X-Shopify-Webhook-Id": w.webhookId,
      "X-Shopify-Event-Id": w.eventId,
      "X-Shopify-Triggered-At": w.triggeredAt,
      "User-Agent": "Shopify-Captain-Hook",
    };
    let status: number | null = null;
    let error: string | undefined;
    try {
      status = await post(job.url, job.body, headers, this.opts.timeoutMs);
    } catch (e) {
      error = (e as Error).message;
    }
    const ok = status !== null && status >= 200 && status < 300;
    this.log.push({
      seq: ++this.attemptSeq,
      webhookId: w.webhookId,
      eventId: w.eventId,
      topic: w.topic,
      shop: w.shop,
      url: job.url,
      attempt: job.attempt,
      copy: job.copy,
      status,
      ok,
      error,
      latencyMs: Date.now() - started,
      startedAt: new Date(started).toISOString(),
    });
    trimOldest(this.log, this.opts.maxLogEntries);
    if (ok) {
      w.outcome = "delivered";
      return this.done(job);
    }
    if (!this.closed && this.opts.retry && job.attempt <= this.opts.maxRetries) {
      const delayS = SHOPIFY_RETRY_DELAYS_S[Math.min(job.attempt - 1, SHOPIFY_RETRY_DELAYS_S.length - 1)];
      this.later(delayS * 1000 * this.opts.timeFactor, () => this.enqueue({ ...job, attempt: job.attempt + 1 }));
      return;
    }
    this.done(job);
  }

  private done(job: Job) {
    const left = (this.copiesLeft.get(job.w.webhookId) ?? 1) - 1;
    if (left <= 0) {
      this.copiesLeft.delete(job.w.webhookId);
      if (job.w.outcome === "pending") job.w.outcome = "failed";
    } else this.copiesLeft.set(job.w.webhookId, left);
    this.pending--;
    if (this.pending <= 0) {
      this.pending = 0;
      this.settle();
    }
  }

  private settle() {
    const ws = this.waiters;
    this.waiters = [];
    for (const r of ws) r();
  }
}

/**
 * Keeps at most `max` entries, dropping the oldest; returns the dropped ones. Once full it drops
 * an eighth at a time rather than one per push: a splice at the front moves every element, and
 * one per webhook on a 100,000-entry log cost ~0.2 ms each on a large heap (a bulk tagsAdd emits two
 * webhooks per line).
 */
function trimOldest<T>(arr: T[], max: number): T[] {
  if (arr.length <= max) return [];
  return arr.splice(0, Math.min(arr.length, Math.max(arr.length - max, Math.ceil(max / 8))));
}

const agentHttp = new http.Agent({ keepAlive: true, maxSockets: 64 });
const agentHttps = new https.Agent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });

/** POST with node:http (not fetch: tests may patch globalThis.fetch). Resolves with the status. */
function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    const req = mod.request(
      u,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        agent: u.protocol === "https:" ? agentHttps : agentHttp,
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          clearTimeout(timer);
          resolvePromise(res.statusCode ?? 0);
        });
        res.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(body);
  });
}

const emitters = new WeakMap<object, WebhookEmitter>();
const ALWAYS_DELIVERED = new Set(["app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"]);

/** The emitter attached to a context, if any. */
export function emitterFor(ctx: SimulatorContext): WebhookEmitter | undefined {
  return emitters.get(ctx);
}

/**
 * Create an emitter for the simulator context (appUrl, apiSecret from ctx.config,
 * X-Shopify-Triggered-At from ctx.now) and route ctx.emitWebhook to it.
 */
export function attachWebhookEmitter(
  ctx: SimulatorContext,
  options: Partial<WebhookEmitterOptions> = {},
): WebhookEmitter {
  const prev = emitters.get(ctx);
  if (prev) prev.close();
  const emitter = new WebhookEmitter({
    appUrl: ctx.config.appUrl,
    apiSecret: ctx.config.apiSecret,
    now: () => ctx.now(),
    ...options,
  });
  emitters.set(ctx, emitter);
  ctx.emitWebhook = (shopDomain, topic, payload) => {
    // Shopify stops delivering to an uninstalled app (compliance topics excepted).
    const shop = ctx.shops.get(shopDomain);
    if (shop?.uninstalledAt && !ALWAYS_DELIVERED.has(topic)) return;
    emitter.emit(shopDomain, topic, payload);
  };
  return emitter;
}
