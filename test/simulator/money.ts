// Money as the simulated Shopify keeps and prints it: integer minor units,
// fixed exchange rates, exact decimal strings. Re-implemented here rather than
// imported from app/ on purpose: the fake must not share code with the system
// it tests, or a parsing bug would agree with itself (see README.md).

/** Units of each currency per 1 USD (fixed rates; shop money is what counts). */
export const FX_PER_USD: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CAD: 1.36,
  AUD: 1.52,
  CHF: 0.88,
  SEK: 10.6,
  DKK: 6.86,
};

/** Convert integer minor units between two 2-decimal currencies at the fixed rate. */
export function convertMinor(minor: number, from: string, to: string): number {
  if (from === to) return minor;
  const rf = FX_PER_USD[from] ?? 1;
  const rt = FX_PER_USD[to] ?? 1;
  return Math.round((minor * rt) / rf);
}

/** Minor units to Shopify's decimal string ("12.30"). Exact, no floating point. */
export function formatMinor(minor: number): string {
  const neg = minor < 0;
  const m = Math.abs(Math.trunc(minor));
  const s = `${Math.floor(m / 100)}.${String(m % 100).padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

/** Decimal string ("12.3", "12.30", "12") to minor units, exactly. */
export function parseMinor(amount: string): number {
  const m = /^\s*(-)?(\d+)(?:\.(\d{0,2})\d*)?\s*$/.exec(amount);
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(amount)}`);
  const v = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -v : v;
}
