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
