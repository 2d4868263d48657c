import { describe, expect, it } from "vitest";
import { brier, expectedCalibrationError, logLoss, logLossTerms, rocAuc } from "./metrics";

describe("rocAuc", () => {
  it("counts ordered pairs, ties one half (hand-computed)", () => {
    // positives 0.35, 0.8; negatives 0.1, 0.4: 0.35>0.1, 0.8>0.1, 0.8>0.4 → 3 of 4 pairs.
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    // positives 2, 2, 5; negatives 1, 2: (2v1 1, 2v2 ½) ×2 + (5v1 1, 5v2 1) = 5 of 6.
    expect(rocAuc([2, 1, 2, 5, 2], [true, false, true, true, false])).toBeCloseTo(5 / 6, 12);
    expect(rocAuc(new Float64Array([1, 2]), new Uint8Array([1, 1]))).toBeNull();
  });
});

describe("logLoss", () => {
  it("is the mean negative log-likelihood (hand-computed)", () => {
    // −(ln 0.9 + ln 0.8 + ln 0.4)/3 = (0.1053605 + 0.2231436 + 0.9162907)/3
    expect(logLoss([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(0.4149316, 6);
    expect(logLoss([0.5], [true])).toBeCloseTo(Math.LN2, 12);
  });

  it("clips at 1e-15, so a confident miss is finite", () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 9); // 34.538776
    expect(logLoss([1], [0])).toBeCloseTo(34.538776, 5);
    expect(logLoss([1], [1])).toBeLessThan(1e-14);
    expect(logLoss([], [])).toBeNull();
  });

  it("has per-row terms for paired comparisons (hand-computed)", () => {
    const t = logLossTerms([0.9, 0.2, 0.6], [1, 0, 0]);
    expect(t[0]).toBeCloseTo(0.1053605, 6); // −ln 0.9
    expect(t[1]).toBeCloseTo(0.2231436, 6); // −ln 0.8
    expect(t[2]).toBeCloseTo(0.9162907, 6); // −ln 0.4
  });
});

describe("brier", () => {
  it("is the mean squared error (hand-computed)", () => {
    // (0.1² + 0.2² + 0.6²)/3 = 0.41/3
    expect(brier([0.9, 0.2, 0.6], [1, 0, 0])).toBeCloseTo(0.41 / 3, 12);
    expect(brier([], [])).toBeNull();
  });
});

describe("expectedCalibrationError", () => {
  it("weights each bin's |mean p − mean y| by its share (hand-computed)", () => {
    // bin 0: {0.05 | 0} → 1/5·0.05; bin 1: {0.15, 0.15 | 1, 0} → 2/5·|0.15 − 0.5|;
    // bin 9: {0.95, 1.0 | 1, 1} → 2/5·|0.975 − 1|. Total 0.01 + 0.14 + 0.01 = 0.16.
    expect(expectedCalibrationError([0.05, 0.15, 0.15, 0.95, 1.0], [0, 1, 0, 1, 1])).toBeCloseTo(0.16, 12);
  });

  it("is 0 when every bin's mean matches its rate, and puts 0.1 in bin 1", () => {
    // bin 2: mean p 0.25, rate 1/4; bin 7: mean 0.75, rate 3/4.
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75], [1, 0, 0, 0, 1, 1, 1, 0])).toBeCloseTo(0, 12);
    // 0.1 and 0.19 share bin 1 (mean 0.145, rate 0.5) → 0.355; with 0.09 in bin 0 they would not.
    expect(expectedCalibrationError([0.1, 0.19], [1, 0])).toBeCloseTo(0.355, 12);
    expect(expectedCalibrationError([0.09, 0.19], [1, 0])).toBeCloseTo(0.5 * 0.91 + 0.5 * 0.19, 12);
    expect(expectedCalibrationError([], [])).toBeNull();
  });
});
