import { describe, expect, it } from "vitest";
import { bfgs } from "./optimize";

// Rosenbrock's function: minimum 0 at (1, 1), a curved valley that takes BFGS dozens of steps.
const rosenbrock = ([x, y]: number[], grad: number[]) => {
  grad[0] = -2 * (1 - x) - 400 * x * (y - x * x);
  grad[1] = 200 * (y - x * x);
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
};

describe("bfgs evaluation budget", () => {
  it("without a budget, reaches Rosenbrock's minimum at (1, 1)", () => {
    const res = bfgs(rosenbrock, [-1.2, 1]);
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 4);
    expect(res.x[1]).toBeCloseTo(1, 4);
    expect(res.evaluations).toBeGreaterThan(20);
  });

  it("stops unconverged within the budget, and evaluates nothing with none left", () => {
    let calls = 0;
    const counted = (v: number[], g: number[]) => (calls++, rosenbrock(v, g));
    const res = bfgs(counted, [-1.2, 1], { maxEvaluations: 10 });
    expect(res.converged).toBe(false);
    expect(calls).toBeLessThanOrEqual(10);
    expect(res.evaluations).toBe(calls);
    calls = 0;
    const none = bfgs(counted, [-1.2, 1], { maxEvaluations: 0 });
    expect(calls).toBe(0);
    expect(none.converged).toBe(false);
  });
});
