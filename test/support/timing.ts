// Waiting in tests, benchmarks and the demo: a sleep and one poll-until-deadline
// loop, so every "wait for the worker / the backfill / the queue" reads the same.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A probe's answer that ends the wait (anything truthy). */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | "">;

export interface EventuallyOptions {
  timeoutMs: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the default timeout error. */
  label?: string;
  /** The timeout error's message instead of "timed out after … waiting for {label}" (a function sees the final state). */
  timeoutMessage?: string | (() => string);
  /** Called after a probe that found nothing (not more often than progressEveryMs), e.g. to log progress. */
  progress?: () => void | Promise<void>;
  /** Default 0: after every empty probe. The first report comes with the first empty probe. */
  progressEveryMs?: number;
}

/**
 * Probes until it returns something truthy and returns that. Always probes at
 * least once; throws when the deadline passed with the latest probe still
 * empty. A probe that throws ends the wait with its error (e.g. "the child died").
 */
export async function eventually<T>(probe: () => T | Promise<T>, opts: EventuallyOptions): Promise<Truthy<T>> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastProgress = 0;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) {
      const m = opts.timeoutMessage;
      throw new Error(
        typeof m === "function" ? m() : m ?? `timed out after ${opts.timeoutMs} ms waiting for ${opts.label ?? "condition"}`,
      );
    }
    if (opts.progress && Date.now() - lastProgress > (opts.progressEveryMs ?? 0)) {
      lastProgress = Date.now();
      await opts.progress();
    }
    await sleep(opts.intervalMs ?? 100);
  }
}
