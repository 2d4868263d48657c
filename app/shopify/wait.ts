// Waiting on Shopify: one sleep and one poll loop for the gateway.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `probe` every `intervalMs` until it returns a value other than undefined. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, intervalMs: number): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(intervalMs);
  }
}
