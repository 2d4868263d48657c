/**
 * predictedClv12m (docs/scoring.md): Σ_{i=1..12} spend · (E[X(i·30.4375)] − E[X((i−1)·30.4375)]) / 1.01^i,
 * with E the conditional expected purchases of the customer, monthly discount 1 %.
 */
export const DAYS_PER_MONTH = 30.4375;
export const MONTHLY_DISCOUNT = 0.01;
export const CLV_MONTHS = 12;

/** The month-end horizons (days) at which cumulative expected purchases are needed. */
export const CLV_HORIZONS_DAYS: readonly number[] = Array.from({ length: CLV_MONTHS }, (_, i) => (i + 1) * DAYS_PER_MONTH);

/**
 * @param spend expected value per purchase (any money unit; the result is in the same unit)
 * @param cumulativePurchases E[X(i·30.4375)] for i = 1..12 (E[X(0)] = 0)
 */
export function predictedClv12m(spend: number, cumulativePurchases: ArrayLike<number>): number {
  let total = 0;
  let previous = 0;
  let discount = 1;
  for (let i = 0; i < CLV_MONTHS; i++) {
    discount *= 1 + MONTHLY_DISCOUNT;
    const current = cumulativePurchases[i];
    total += (spend * (current - previous)) / discount;
    previous = current;
  }
  return total;
}
