// Seeded randomness for tests, benchmarks and the simulator: one PRNG and the
// distributions the synthetic stores are drawn from. Same seed → same numbers
// on every machine, so generated data and test expectations are reproducible.

/** A uniform [0, 1) source. */
export type Rng = () => number;

/** sfc32 seeded through a string hash: fast, 32-bit, deterministic everywhere. */
export function createRng(seed: string | number): Rng {
  const s = String(seed);
  let h1 = 1779033703 ^ s.length,
    h2 = 3144134277 ^ s.length,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let a = h1 >>> 0,
    b = h2 >>> 0,
    c = h3 >>> 0,
    d = h4 >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** A draw in (0, 1): never 0, so its logarithm is finite. */
function positiveUniform(rng: Rng): number {
  let u = rng();
  while (u <= 1e-300) u = rng();
  return u;
}

/** Standard normal by Box-Muller (one value; the partner is discarded for simplicity and determinism). */
export function sampleNormal(rng: Rng): number {
  const u = positiveUniform(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, scale 1) by Marsaglia-Tsang (with the shape<1 boost). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = positiveUniform(rng);
    return sampleGamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

/** Exponential waiting time with the given rate (mean 1/rate, in the rate's unit). */
export function sampleExponential(rng: Rng, rate: number): number {
  return -Math.log(positiveUniform(rng)) / rate;
}
