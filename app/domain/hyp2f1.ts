/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and a, b > 0, c > 0,
 * the region BG/NBD needs (z = t / (alpha + T + t)).
 *
 * With those signs every term of the power series is positive, so summing it has no
 * cancellation; the only issue is speed as z -> 1 (terms decay like z^n). For z > 1/2 we
 * first apply Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) when it
 * makes the parameters smaller (fewer terms), otherwise sum directly; the term-ratio
 * recurrence is summed until the tail bound falls below 1e-16 relative.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must be in [0, 1), got ${z}`);
  if (!(c > 0)) throw new RangeError(`hyp2f1: c must be > 0, got ${c}`);
  if (z === 0) return 1;
  if (z > 0.5 && c - a > 0 && c - b > 0 && (c - a) * (c - b) < a * b) {
    // Euler transformation keeps terms positive and shrinks the growth factor a*b/c.
    return Math.pow(1 - z, c - a - b) * series(c - a, c - b, c, z);
  }
  return series(a, b, c, z);
}

function series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 50_000_000; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    term *= ratio;
    sum += term;
    // The term ratio (a+n)(b+n)/((c+n)(n+1))·z tends to z and is eventually monotone, so
    // max(this ratio, the next, z) bounds the later ratios and the tail is at most
    // term·bound/(1−bound) (geometric bound); stop when that is negligible.
    if (n > 2) {
      const next = (((a + n + 1) * (b + n + 1)) / ((c + n + 1) * (n + 2))) * z;
      const bound = Math.max(ratio, next, z);
      if (bound < 1 && (term * bound) / (1 - bound) <= 1e-16 * sum) break;
    }
    if (!Number.isFinite(sum)) return sum;
  }
  return sum;
}
