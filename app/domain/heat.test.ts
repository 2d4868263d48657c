import { describe, expect, it } from "vitest";
import { HEAT_STEPS, heatLevel, heatStep } from "./heat";

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
