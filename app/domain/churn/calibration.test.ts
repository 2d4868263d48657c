import { describe, expect, it } from "vitest";
import { createRng } from "../../../test/support/random";
import { applyPlatt, fitPlatt } from "./calibration";
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
