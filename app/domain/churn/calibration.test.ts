import { describe, expect, it } from "vitest";
import { createRng } from "../../../test/support/random";
import { applyCalibration, applyIsotonic, applyPlatt, fitIsotonic, fitPlatt } from "./calibration";
import { expectedCalibrationError } from "./metrics";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));

/** n true probabilities spread over (0.02, 0.98) and labels drawn from them. */
function draws(seed: string, n: number): { q: Float64Array; y: Uint8Array } {
  const rng = createRng(seed);
  const q = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    q[i] = 0.02 + 0.96 * rng();
    y[i] = rng() < q[i] ? 1 : 0;
  }
  return { q, y };
}

describe("Platt scaling", () => {
  it("leaves a calibrated input alone: a ≈ 1, b ≈ 0", () => {
    const { q, y } = draws("calibrated", 40_000);
    const c = fitPlatt(q, y)!;
    expect(c.a).toBeGreaterThan(0.95);
    expect(c.a).toBeLessThan(1.05);
    expect(Math.abs(c.b)).toBeLessThan(0.04);
  });

  it("corrects an overconfident input, measured on held-out rows", () => {
    // Reported p = σ(2·logit(q)): twice as confident as the truth, so a ≈ 1/2, b ≈ 0.
    const { q, y } = draws("overconfident", 40_000);
    const p = q.map((v) => sigmoid(2 * logit(v)));
    const half = 20_000;
    const c = fitPlatt(p.subarray(0, half), y.subarray(0, half))!;
    expect(c.a).toBeCloseTo(0.5, 1);
    expect(Math.abs(c.b)).toBeLessThan(0.05);
    const heldP = p.subarray(half);
    const heldY = y.subarray(half);
    const before = expectedCalibrationError(heldP, heldY)!;
    const after = expectedCalibrationError(heldP.map((v) => applyPlatt(c, v)), heldY)!;
    expect(before).toBeGreaterThan(0.08);
    expect(after).toBeLessThan(0.02);
    expect(after).toBeLessThan(before / 4);
  });

  it("corrects a shifted input (b ≠ 0) and has nothing to fit with one class", () => {
    const { q, y } = draws("shifted", 30_000);
    const p = q.map((v) => sigmoid(logit(v) - 1)); // says less churn than there is
    const c = fitPlatt(p, y)!;
    expect(c.a).toBeCloseTo(1, 1);
    expect(c.b).toBeCloseTo(1, 1);
    expect(fitPlatt([0.2, 0.4], [1, 1])).toBeNull();
    expect(applyPlatt({ a: 1, b: 0 }, 0.3)).toBeCloseTo(0.3, 12);
    expect(Number.isFinite(applyPlatt(c, 0)) && Number.isFinite(applyPlatt(c, 1))).toBe(true);
  });
});

describe("isotonic calibration", () => {
  it("pools adjacent violators (hand-computed)", () => {
    // Sorted p 0.1 0.2 0.3 0.4 with labels 0 1 0 1: 0.2 (rate 1) and 0.3 (rate 0) violate and
    // pool into one block, mean input 0.25, rate 1/2. Blocks: (0.1; 0 of 1), (0.25; 1 of 2),
    // (0.4; 1 of 1); outputs (Σy + 1)/(n + 2) = 1/3, 2/4, 2/3.
    const c = fitIsotonic([0.3, 0.1, 0.4, 0.2], [0, 0, 1, 1])!;
    expect(c.x).toEqual([0.1, 0.25, 0.4]);
    expect(c.y[0]).toBeCloseTo(1 / 3, 12);
    expect(c.y[1]).toBeCloseTo(0.5, 12);
    expect(c.y[2]).toBeCloseTo(2 / 3, 12);
    // Linear between block means: 0.175 is halfway from 0.1 to 0.25 → (1/3 + 1/2)/2 = 5/12.
    expect(applyIsotonic(c, 0.175)).toBeCloseTo(5 / 12, 12);
    // Flat beyond the ends.
    expect(applyIsotonic(c, 0)).toBeCloseTo(1 / 3, 12);
    expect(applyIsotonic(c, 0.99)).toBeCloseTo(2 / 3, 12);
    expect(applyCalibration(c, 0.4)).toBeCloseTo(2 / 3, 12);
  });

  it("pools again where the pseudo-counts undo the order (hand-computed)", () => {
    // PAV blocks (0.1; 0 of 1) rate 0 and (0.5; 1 of 100) rate 0.01: PAV keeps both (0 < 0.01), but the
    // smoothed rates are 1/3 and 2/102 — out of order — so they pool: weights 1 and 100,
    // smoothed sums 1/3 and 100·2/102, output (1/3 + 200/102)/101, input (0.1 + 50)/101.
    const p = [0.1, ...Array.from({ length: 100 }, () => 0.5)];
    const y = [0, 1, ...Array.from({ length: 99 }, () => 0)];
    const c = fitIsotonic(p, y)!;
    expect(c.x.length).toBe(1);
    expect(c.x[0]).toBeCloseTo(50.1 / 101, 12);
    expect(c.y[0]).toBeCloseTo((1 / 3 + 200 / 102) / 101, 12);
  });

  it("keeps equal inputs in one block and has nothing to fit with one class", () => {
    const c = fitIsotonic([0.5, 0.5, 0.5], [0, 1, 1])!;
    expect(c.x).toEqual([0.5]);
    expect(c.y[0]).toBeCloseTo(3 / 5, 12); // (2 + 1)/(3 + 2)
    expect(fitIsotonic([0.2, 0.4], [0, 0])).toBeNull();
  });

  it("fixes a monotone mis-shape that Platt cannot bend, measured on held-out rows", () => {
    // Truth is a step: churn 0.2 below p = 0.5, 0.8 from there. A sigmoid of logit(p) cannot
    // be flat-then-jump-then-flat; isotonic can.
    const rng = createRng("step");
    const n = 40_000;
    const p = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = rng();
      y[i] = rng() < (p[i] < 0.5 ? 0.2 : 0.8) ? 1 : 0;
    }
    const half = n / 2;
    const iso = fitIsotonic(p.subarray(0, half), y.subarray(0, half))!;
    const platt = fitPlatt(p.subarray(0, half), y.subarray(0, half))!;
    const heldP = p.subarray(half);
    const heldY = y.subarray(half);
    const eceIso = expectedCalibrationError(heldP.map((v) => applyIsotonic(iso, v)), heldY)!;
    const ecePlatt = expectedCalibrationError(heldP.map((v) => applyPlatt(platt, v)), heldY)!;
    expect(eceIso).toBeLessThan(0.015);
    expect(ecePlatt).toBeGreaterThan(0.05);
    expect(iso.x.length).toBeLessThanOrEqual(256);
    for (let k = 1; k < iso.y.length; k++) expect(iso.y[k]).toBeGreaterThanOrEqual(iso.y[k - 1]);
  });
});
