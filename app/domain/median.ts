/**
 * The median of a sample, exactly the value a full sort gives (the middle element, or the mean
 * of the two middle ones), by selection in O(n) instead of an O(n log n) sort: the recompute
 * and the churn backtest take the median repeat gap of up to a million customers at every cut.
 */
export function median(values: Float64Array): number {
  const n = values.length;
  const a = values.slice();
  for (let i = 0; i < n; i++) if (a[i] !== a[i]) return medianBySort(a); // NaN: sort's order (last)
  if (n % 2) return kthSmallest(a, (n - 1) / 2);
  const upper = kthSmallest(a, n / 2);
  // Everything before index n/2 is now ≤ upper: the lower middle is their maximum.
  let lower = a[0];
  for (let i = 1; i < n / 2; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

function medianBySort(a: Float64Array): number {
  const s = a.sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Rearranges a so that a[k] is its k-th smallest element, a[..k] ≤ a[k] ≤ a[k..] (Hoare partitions, median-of-three pivots). */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const x = a[lo];
    const y = a[(lo + hi) >>> 1];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
