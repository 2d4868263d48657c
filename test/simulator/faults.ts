// Per-shop fault injection for the simulator's Admin GraphQL endpoint and its
// bulk result downloads, for the fault suite (test/faults/). Rules are taken
// in order; a request takes the first rule that matches it, and a rule with
// `count` requests used up is gone.
//
//   failNext(shop, { status, count, match })   answer 5xx without running the request,
//                                              with the body Shopify's edge sends
//   hangNext(shop, { count, match })           never answer and never run it (the socket
//                                              stays open until the client gives up)
//   lateNext(shop, { count, match, delayMs })  run the request (its effect happens), then
//                                              answer delayMs later (if the client still listens)
//   throttleStorm(shop, { durationMs })        every request in the window finds the shop's
//                                              bucket empty: THROTTLED with Shopify's body
//   expireNextDownload(shop, { count })        the result URL has expired when the app comes to
//                                              download it (Shopify: 7 days): the storage's
//                                              ExpiredToken answer, and the operation reads EXPIRED
//
// `match` is tested against the GraphQL query text followed by its variables
// as JSON (an operation or field name such as "flowTriggerReceive", or an id
// such as "gid://shopify/Customer/7000000000012\""), or against "bulk-file"
// for a result download (target: "bulk-file").
import type { ServerResponse } from "node:http";
import type { ServerState } from "./state";

export type FaultTarget = "graphql" | "bulk-file";

interface RuleBase {
  target?: FaultTarget;
  match?: string | RegExp;
  /** How many matching requests this rule takes (default 1). */
  count?: number;
}
export type FailRule = RuleBase & { status: 500 | 502 | 503 | 504 };
export type HangRule = RuleBase;
export type LateRule = RuleBase & { delayMs: number };

type Rule =
  | { kind: "fail"; target: FaultTarget; match?: string | RegExp; left: number; status: FailRule["status"] }
  | { kind: "hang"; target: FaultTarget; match?: string | RegExp; left: number }
  | { kind: "late"; target: FaultTarget; match?: string | RegExp; left: number; delayMs: number }
  | { kind: "expire"; target: FaultTarget; match?: string | RegExp; left: number };

/** What a request met: the fault and the request's description (for the test's own count). */
export interface FaultHit {
  shop: string;
  kind: Rule["kind"] | "throttled";
  target: FaultTarget;
  /** The GraphQL operation's first field (e.g. "flowTriggerReceive") or "bulk-file". */
  what: string;
  at: number;
}

// Shopify's answers (docs: "API response status and error codes"; the edge answers
// 5xx with a JSON `errors` string and an x-request-id).
const STATUS_BODY: Record<FailRule["status"], string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export class FaultInjector {
  private rules = new Map<string, Rule[]>();
  private storms = new Map<string, number>();
  private pending = new Set<NodeJS.Timeout>();
  private hanging = new Set<ServerResponse>();
  /** Every request that met a fault, in order. */
  readonly hits: FaultHit[] = [];

  constructor(private readonly clock: () => number) {}

  private add(shop: string, rule: Rule) {
    const list = this.rules.get(shop) ?? [];
    list.push(rule);
    this.rules.set(shop, list);
  }

  failNext(shop: string, o: FailRule): void {
    if (![500, 502, 503, 504].includes(o.status)) throw new Error(`failNext: status must be 500, 502, 503 or 504, got ${o.status}`);
    this.add(shop, { kind: "fail", target: o.target ?? "graphql", match: o.match, left: positive(o.count), status: o.status });
  }

  hangNext(shop: string, o: HangRule = {}): void {
    this.add(shop, { kind: "hang", target: o.target ?? "graphql", match: o.match, left: positive(o.count) });
  }

  lateNext(shop: string, o: LateRule): void {
    if (o.target === "bulk-file") throw new Error("lateNext: only Admin GraphQL requests (a download has no effect to run first)");
    if (!(o.delayMs > 0)) throw new Error(`lateNext: delayMs must be positive, got ${o.delayMs}`);
    this.add(shop, { kind: "late", target: o.target ?? "graphql", match: o.match, left: positive(o.count), delayMs: o.delayMs });
  }

  expireNextDownload(shop: string, o: { count?: number } = {}): void {
    this.add(shop, { kind: "expire", target: "bulk-file", left: positive(o.count) });
  }

  /** Keep the shop's bucket empty for durationMs (as when other work of the same app spends it). */
  throttleStorm(shop: string, o: { durationMs: number }): void {
    if (!(o.durationMs > 0)) throw new Error(`throttleStorm: durationMs must be positive, got ${o.durationMs}`);
    this.storms.set(shop, this.clock() + o.durationMs);
  }

  /** Empties a bucket (a throttle storm): what is left is less than one point. */
  drain(bucket: { take(cost: number): boolean; status(): { currentlyAvailable: number } }): void {
    bucket.take(bucket.status().currentlyAvailable);
  }

  /** Rules not used up yet for a shop (a test checks its faults were really met). */
  remaining(shop: string): number {
    return (this.rules.get(shop) ?? []).reduce((n, r) => n + r.left, 0);
  }

  /** The rules of a shop not used up yet, readable (for a failing test's message). */
  describeRemaining(shop: string): string[] {
    return (this.rules.get(shop) ?? []).map((r) => `${r.kind} ${r.target} ${String(r.match ?? "any")} ×${r.left}`);
  }

  clear(shop?: string): void {
    if (shop) {
      this.rules.delete(shop);
      this.storms.delete(shop);
    } else {
      this.rules.clear();
      this.storms.clear();
    }
  }

  /** True while a throttle storm of the shop is on (the endpoint then empties the bucket first). */
  storming(shop: string, query: string): boolean {
    const until = this.storms.get(shop);
    if (until === undefined) return false;
    if (this.clock() >= until) {
      this.storms.delete(shop);
      return false;
    }
    this.hits.push({ shop, kind: "throttled", target: "graphql", what: firstField(query), at: this.clock() });
    return true;
  }

  /**
   * Applies the first matching rule to a request. Returns true when the
   * response has been taken care of (failed, hanging, or run late through
   * `run`); false when the request should be served normally.
   */
  async intercept(
    shop: string,
    target: FaultTarget,
    text: string,
    res: ServerResponse,
    run: () => Promise<{ status: number; body: string; headers: Record<string, string> }>,
    expire?: () => void,
  ): Promise<boolean> {
    const list = this.rules.get(shop);
    const rule = list?.find((r) => r.target === target && r.left > 0 && matches(r.match, text));
    if (!rule) return false;
    rule.left--;
    if (list && rule.left === 0) list.splice(list.indexOf(rule), 1);
    this.hits.push({ shop, kind: rule.kind, target, what: target === "bulk-file" ? "bulk-file" : firstField(text), at: this.clock() });
    if (rule.kind === "expire") {
      expire?.();
      return false; // served as usual: the expired URL's own answer
    }
    if (rule.kind === "fail") {
      res.writeHead(rule.status, { "content-type": "application/json; charset=utf-8", "x-request-id": crypto.randomUUID() });
      res.end(JSON.stringify({ errors: STATUS_BODY[rule.status] }));
      return true;
    }
    if (rule.kind === "hang") {
      this.hanging.add(res);
      res.once("close", () => this.hanging.delete(res));
      return true;
    }
    const answer = await run();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, rule.delayMs);
      this.pending.add(timer);
    });
    if (!res.destroyed && !res.writableEnded) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    }
    return true;
  }

  /** Ends hanging sockets and pending late answers (server shutdown). */
  close(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }
}

function positive(count: number | undefined): number {
  const n = count ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`count must be a positive integer, got ${count}`);
  return n;
}

function matches(match: string | RegExp | undefined, text: string): boolean {
  if (match === undefined) return true;
  return typeof match === "string" ? text.includes(match) : match.test(text);
}

/** The first field of the first selection set, e.g. "flowTriggerReceive" (an alias skipped; for the record only). */
function firstField(query: string): string {
  const body = query.replace(/#[^\n]*/g, "");
  const m = /\{\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*:\s*)?([A-Za-z_][A-Za-z0-9_]*)/.exec(body);
  return m ? m[1] : "unknown";
}

const injectors = new WeakMap<ServerState, FaultInjector>();

/** The fault injector of one running simulator. */
export function faultsOf(state: ServerState): FaultInjector {
  let f = injectors.get(state);
  if (!f) {
    f = new FaultInjector(() => state.ctx.now().getTime());
    injectors.set(state, f);
  }
  return f;
}
