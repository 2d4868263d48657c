/**
 * Derivative-free minimisation for the model fits (a few parameters on a log scale).
 *
 * Nelder-Mead with the standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2),
 * restarted from the best vertex until a restart no longer improves: restarts guard against
 * the simplex collapsing early, a known Nelder-Mead failure mode.
 * Why not the installed `fmin` package: its 0.0.4 shrink step assigns an undeclared loop
 * variable and throws a ReferenceError under ES-module strict mode (see ADR 0004).
 */

export interface MinimizeResult {
  x: number[];
  fx: number;
  converged: boolean;
  evaluations: number;
  restarts: number;
}

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Stop when the spread of function values and of vertices are both below these. */
  fTolerance?: number;
  xTolerance?: number;
  initialStep?: number;
}

export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  opts: NelderMeadOptions = {},
): { x: number[]; fx: number; iterations: number; converged: boolean } {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 1000 * n;
  const fTol = opts.fTolerance ?? 1e-12;
  const xTol = opts.xTolerance ?? 1e-9;
  const step = opts.initialStep ?? 0.25;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += step;
    pts.push(p);
  }
  const vals = pts.map(f);
  const order = pts.map((_, i) => i);
  const centroid = new Array<number>(n);
  const along = (coef: number, worst: number[]) => centroid.map((c, i) => c + coef * (c - worst[i]));
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    order.sort((i, j) => vals[i] - vals[j]);
    const best = order[0];
    const worst = order[n];
    const second = order[n - 1];
    let xSpread = 0;
    for (const k of order) for (let i = 0; i < n; i++) xSpread = Math.max(xSpread, Math.abs(pts[k][i] - pts[best][i]));
    if (Math.abs(vals[worst] - vals[best]) <= fTol * (1 + Math.abs(vals[best])) && xSpread <= xTol) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += pts[order[k]][i] / n;
    const xr = along(1, pts[worst]);
    const fr = f(xr);
    if (fr < vals[best]) {
      const xe = along(2, pts[worst]);
      const fe = f(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
    } else if (fr < vals[second]) {
      pts[worst] = xr;
      vals[worst] = fr;
    } else {
      const outside = fr < vals[worst];
      const xc = along(outside ? 0.5 : -0.5, pts[worst]);
      const fc = f(xc);
      if (fc < (outside ? fr : vals[worst])) {
        pts[worst] = xc;
        vals[worst] = fc;
      } else {
        for (const k of order.slice(1)) {
          pts[k] = pts[k].map((v, i) => pts[best][i] + 0.5 * (v - pts[best][i]));
          vals[k] = f(pts[k]);
        }
      }
    }
  }
  order.sort((i, j) => vals[i] - vals[j]);
  return { x: pts[order[0]], fx: vals[order[0]], iterations, converged };
}

export function minimize(f: (x: number[]) => number, x0: number[], maxRestarts = 10): MinimizeResult {
  let evaluations = 0;
  const counted = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : 1e300; // keep the simplex away from invalid regions
  };
  let best = { x: x0.slice(), fx: counted(x0) };
  let converged = false;
  let restarts = 0;
  let stepSize = 0.5;
  for (; restarts < maxRestarts; restarts++) {
    const res = nelderMead(counted, best.x, { initialStep: stepSize });
    const improvement = best.fx - res.fx;
    if (res.fx <= best.fx) best = { x: res.x.slice(), fx: res.fx };
    if (restarts > 0 && res.converged && Math.abs(improvement) <= 1e-11 * Math.max(1, Math.abs(best.fx))) {
      converged = true;
      break;
    }
    stepSize = 0.05;
  }
  return { x: best.x, fx: best.fx, converged: converged && best.fx < 1e300, evaluations, restarts };
}

/**
 * BFGS with a backtracking (Armijo) line search, for objectives with an analytic gradient.
 * Needs tens of evaluations where Nelder-Mead needs hundreds, which matters when one
 * evaluation walks 10^5..10^6 customer tuples. `fg` returns the value and fills `grad`.
 */
export function bfgs(
  fg: (x: number[], grad: number[]) => number,
  x0: number[],
  opts: { maxIterations?: number; maxEvaluations?: number; gradTolerance?: number; initialInverseHessian?: number[][] } = {},
): MinimizeResult & { inverseHessian: number[][] } {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 100;
  // A budget of objective evaluations (line-search steps included): past it the search stops
  // unconverged. On a flat ridge every iteration can take dozens of halvings.
  const maxEvaluations = opts.maxEvaluations ?? Number.POSITIVE_INFINITY;
  // Objectives here are per-customer averages of sums over up to 10^6 terms; rounding noise
  // in the gradient is ~1e-7 there, so a tighter tolerance would never be met.
  const gradTol = opts.gradTolerance ?? 1e-6;
  let evaluations = 0;
  const evaluate = (x: number[], g: number[]) => {
    evaluations++;
    const v = fg(x, g);
    return Number.isFinite(v) && g.every(Number.isFinite) ? v : Number.POSITIVE_INFINITY;
  };
  let x = x0.slice();
  let g = new Array<number>(n).fill(0);
  // No budget left: not even the start is evaluated (the caller's budget is a hard cap).
  let fx = maxEvaluations >= 1 ? evaluate(x, g) : Number.POSITIVE_INFINITY;
  // Inverse-Hessian approximation: the identity, or a warm start (e.g. from a subsample fit).
  let H: number[][] = opts.initialInverseHessian?.map((row) => row.slice()) ?? Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  if (!Number.isFinite(fx)) return { x, fx, converged: false, evaluations, restarts: 0, inverseHessian: H };
  let converged = false;
  let stalled = 0;
  for (let iter = 0; iter < maxIterations && evaluations < maxEvaluations; iter++) {
    const gnorm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    if (gnorm < gradTol) {
      converged = true;
      break;
    }
    let d = H.map((row) => -row.reduce((s, h, j) => s + h * g[j], 0));
    let slope = d.reduce((s, v, i) => s + v * g[i], 0);
    if (!(slope < 0)) {
      // Not a descent direction: reset to steepest descent.
      H = H.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      d = g.map((v) => -v);
      slope = -gnorm * gnorm;
    }
    // Cap the step so a single move changes a log-parameter by at most 5 (a factor e^5).
    const maxStep = Math.max(...d.map(Math.abs));
    let step = maxStep > 5 ? 5 / maxStep : 1;
    const gNew = new Array<number>(n).fill(0);
    let xNew = x;
    let fNew = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 60 && evaluations < maxEvaluations; k++) {
      xNew = x.map((v, i) => v + step * d[i]);
      fNew = evaluate(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx + 1e-4 * step * slope)) {
      // Line search failed: at a minimum within rounding, if the gradient is already tiny.
      converged = gnorm < 1e-5;
      break;
    }
    const s = xNew.map((v, i) => v - x[i]);
    const y = gNew.map((v, i) => v - g[i]);
    const sy = s.reduce((acc, v, i) => acc + v * y[i], 0);
    const improvement = fx - fNew;
    x = xNew;
    g = gNew;
    fx = fNew;
    if (sy > 1e-12) {
      const Hy = H.map((row) => row.reduce((acc, h, j) => acc + h * y[j], 0));
      const yHy = y.reduce((acc, v, i) => acc + v * Hy[i], 0);
      const rho = 1 / sy;
      H = H.map((row, i) =>
        row.map((h, j) => h - rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j]),
      );
    }
    // At the optimum of a large sum the value only moves by rounding noise: two such steps
    // in a row with a small gradient mean we are there.
    const gNow = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    stalled = improvement < 1e-13 * Math.max(1, Math.abs(fx)) ? stalled + 1 : 0;
    if (stalled >= 2 && gNow < 1e-4) {
      converged = true;
      break;
    }
  }
  return { x, fx, converged, evaluations, restarts: 0, inverseHessian: H };
}
