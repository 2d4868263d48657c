// `recovered`, the one trait that is a move rather than a snapshot (docs/scoring.md,
// "Traits"): a customer whose previous segment was lapsing and who orders again is
// recovered from that order for RECOVERED_DAYS, and the Flow triggers that matter to a
// merchant fire when a customer gains one of FLOW_TRAITS.

/** Segments a win-back campaign targets; an order from one of them is a recovery. */
export const LAPSING_SEGMENTS: ReadonlySet<string> = new Set(["about_to_sleep", "at_risk", "cant_lose_them", "hibernating"]);
export const RECOVERED_DAYS = 30;
/** Gaining one of these fires the "customer trait gained" Flow trigger. */
export const FLOW_TRAITS: readonly string[] = ["due_to_reorder", "recovered", "vip_at_risk"];

const DAY_MS = 86_400_000;

export interface PreviousScore {
  segment: string;
  /** As-of of the previous score: orders at or after it are new to it. */
  asOf: Date;
  recoveredAt: Date | null;
  traits: readonly string[];
  /** Discovered segment of the previous score (kept by the live path until the next recompute). */
  clusterId?: number | null;
}

/**
 * When the customer's recovery began, or null. A recovery starts at the customer's last order
 * when the previous score was in a lapsing segment and that order is at or after the previous
 * score's as-of (it is new since then); an earlier recovery holds while fewer than
 * RECOVERED_DAYS have passed since its order, and while that order still counts: when it is
 * cancelled (or refunded in full) the last counted order is older than the recovery, which
 * ends (the customer is where it was, and an order and its cancellation learnt together
 * would never have started one).
 */
export function recoveredSince(previous: PreviousScore | null, lastOrderAt: Date, asOf: Date): Date | null {
  if (previous && LAPSING_SEGMENTS.has(previous.segment) && lastOrderAt.getTime() >= previous.asOf.getTime()) return lastOrderAt;
  const since = previous?.recoveredAt ?? null;
  if (!since || since.getTime() > lastOrderAt.getTime()) return null;
  return asOf.getTime() - since.getTime() < RECOVERED_DAYS * DAY_MS ? since : null;
}

/** Flow-worthy traits the customer has now and did not have in its previous score (none for a first score). */
export function gainedFlowTraits(previous: PreviousScore | null, traits: readonly string[]): string[] {
  if (!previous) return [];
  const before = new Set(previous.traits);
  return FLOW_TRAITS.filter((t) => traits.includes(t) && !before.has(t));
}
