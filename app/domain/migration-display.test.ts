import { describe, expect, it } from "vitest";
import { formatRowShare, formatSignedCount, HEAT_STEPS, heatLevel, heatStep, parseWindowDays } from "./migration-display";

// WCAG 2 relative luminance and contrast ratio, written out here as the spec gives them.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};

describe("heat shading", () => {
  it("five steps of 20 %, none for an empty cell", () => {
    const cases: [number, number][] = [
      [0, 0],
      [0.001, 1],
      [0.2, 1],
      [0.2001, 2],
      [0.4, 2],
      [0.5, 3],
      [0.6, 3],
      [0.75, 4],
      [0.8, 4],
      [0.81, 5],
      [1, 5],
    ];
    for (const [share, level] of cases) expect(heatLevel(share), String(share)).toBe(level);
    expect(heatStep(0)).toBeNull();
    expect(heatStep(1)?.level).toBe(5);
  });

  it("each step darker than the one before, every text colour readable on its background (AA, ≥ 4.5:1)", () => {
    for (let i = 1; i < HEAT_STEPS.length; i++) expect(luminance(HEAT_STEPS[i].background)).toBeLessThan(luminance(HEAT_STEPS[i - 1].background));
    for (const step of HEAT_STEPS) expect(contrast(step.background, step.color), step.background).toBeGreaterThanOrEqual(4.5);
    // The lightest step is still visibly shaded against the white card.
    expect(contrast(HEAT_STEPS[0].background, "#ffffff")).toBeGreaterThan(1.1);
  });
});

describe("window choice and formatting", () => {
  it("?days= is 7, 30 or 90; absent means 30; anything else is refused", () => {
    expect([null, undefined, "", "7", "30", "90"].map(parseWindowDays)).toEqual([30, 30, 30, 7, 30, 90]);
    for (const bad of ["14", "30.0", "abc", "-7", " 7"]) expect(parseWindowDays(bad), bad).toBeNull();
  });

  it("signed counts and row shares", () => {
    expect([1234, -3, 0].map((n) => formatSignedCount(n))).toEqual(["+1,234", "\u22123", "0"]);
    expect([0, 0.004, 0.005, 1 / 3, 0.75, 1].map(formatRowShare)).toEqual(["", "<1 %", "1 %", "33 %", "75 %", "100 %"]);
  });
});
