// Pacing from Shopify's throttleStatus: pure arithmetic, so it is unit-tested
// without a network. Shopify refills `restoreRate` points per second up to
// `maximumAvailable`; a request needs its requested cost available.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Milliseconds to wait before a request of `cost` points can be afforded. */
export function waitBeforeRequestMs(
  status: ThrottleStatus | undefined,
  cost: number,
  msSinceStatus: number,
): number {
  if (!status) return 0;
  const available = Math.min(
    status.maximumAvailable,
    status.currentlyAvailable + (status.restoreRate * msSinceStatus) / 1000,
  );
  if (available >= cost) return 0;
  return Math.ceil(((cost - available) / status.restoreRate) * 1000);
}

/** Throttle status from a GraphQL response's `extensions.cost`, if present. */
export function throttleStatusOf(extensions: unknown): ThrottleStatus | undefined {
  const status = (extensions as { cost?: { throttleStatus?: ThrottleStatus } } | undefined)?.cost?.throttleStatus;
  if (!status || typeof status.restoreRate !== "number" || status.restoreRate <= 0) return undefined;
  return status;
}

export function requestedCostOf(extensions: unknown): number | undefined {
  const cost = (extensions as { cost?: { requestedQueryCost?: number } } | undefined)?.cost?.requestedQueryCost;
  return typeof cost === "number" ? cost : undefined;
}
