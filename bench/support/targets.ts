// The closing lines every benchmark prints: one per target,
// `target <what>: met` or `target <what>: MISSED (<measured>)`.

export interface Target {
  what: string;
  met: boolean;
  /** What was measured, shown when the target is missed. */
  measured: string;
}

export function printTargets(targets: readonly Target[]): void {
  for (const t of targets) process.stdout.write(`target ${t.what}: ${t.met ? "met" : `MISSED (${t.measured})`}\n`);
}
