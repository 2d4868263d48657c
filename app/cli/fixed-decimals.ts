/**
 * Numbers as JSON text for the score lines, faster than String() for the values they hold. A
 * double printed by String() is its shortest round-tripping decimal; for k / 10^d with k an
 * integer (what the lines print: amounts k / 100, probabilities Math.round(v · 1e6) / 1e6)
 * that is k's digits with the point d places from the right and trailing zeros dropped: the
 * division is correctly rounded, so the double is the one nearest to that decimal, and no
 * shorter decimal (on the same 10^-d grid, at least 10^-d away) maps to it while 10^-d is more
 * than the doubles' spacing there (|k / 10^d| < 1e9). Outside the range below, String().
 */

const LIMIT = 1e12; // |k| below it: k / 10^d < 1e6 for d ≥ 6, < 1e10 for d = 2, spacing far below 10^-d

function digitsOf(k: number, d: number, scale: number): string {
  const whole = Math.floor(k / scale);
  let frac = k - whole * scale;
  if (frac === 0) return String(whole);
  let places = d;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  return `${whole}.${String(frac).padStart(places, "0")}`;
}

/** String(k / 100) for an integer k (minor units as a currency amount). */
export function hundredthsText(k: number): string {
  if (k === 0) return "0"; // −0 too, as String() prints it
  if (!(Math.abs(k) < LIMIT) || !Number.isInteger(k)) return String(k / 100);
  return k < 0 ? `-${digitsOf(-k, 2, 100)}` : digitsOf(k, 2, 100);
}

/** String(Math.round(v * 1e6) / 1e6): v rounded to 6 decimals. */
export function round6Text(v: number): string {
  const k = Math.round(v * 1e6);
  if (k === 0) return "0";
  if (!(Math.abs(k) < LIMIT)) return String(k / 1e6);
  return k < 0 ? `-${digitsOf(-k, 6, 1e6)}` : digitsOf(k, 6, 1e6);
}
