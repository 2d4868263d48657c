// What the benchmarks report about the machine besides their own figures:
// peak memory of a child (from /proc) and the load other processes put on
// the two cores while a run measures.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { childPids } from "../../test/support/procs";

// ---------------------------------------------------------- /proc memory ----

function statusField(pid: number, field: "VmHWM" | "VmRSS"): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
/** Peak resident set size (VmHWM) of a live process, MB. */
export const peakRssMb = (pid: number) => statusField(pid, "VmHWM");
export const rssMb = (pid: number) => statusField(pid, "VmRSS");

// ------------------------------------------------------------- /proc cpu ----

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses); null once it is gone. */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU time (user + system) a live process has used so far, seconds; null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  // utime and stime are the 12th and 13th fields after the command name, in clock ticks.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : null;
}

/** CPU time (user + system) of the processes so far, seconds; those gone count nothing. */
export function totalCpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
}

/** The process and its descendants (a cluster's primary and its workers). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(name);
    if (fields) parent.set(Number(name), Number(fields[1])); // ppid; a process gone meanwhile is skipped
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** Samples VmHWM while the process lives, so the peak survives its exit. */
export function trackPeak(pid: number, everyMs = 200) {
  let peak = 0;
  const sample = () => {
    const v = peakRssMb(pid);
    if (v !== null && v > peak) peak = v;
  };
  const t = setInterval(sample, everyMs);
  t.unref();
  return {
    peak: () => (sample(), peak),
    stop: () => (clearInterval(t), sample(), peak),
  };
}

// ----------------------------------------------------------------- load ----

export function machineLoad(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

/** Other heavy processes on the machine (for noise notes), excluding our own children. */
export function otherLoad(): string {
  const r = spawnSync("ps", ["-eo", "pid,pcpu,rss,comm,args", "--sort=-pcpu"], { encoding: "utf8" });
  const mine = new Set([process.pid, ...childPids()]);
  return (r.stdout ?? "")
    .split("\n")
    .slice(1, 8)
    .filter((l) => l.trim() && !mine.has(Number(l.trim().split(/\s+/)[0])) && Number(l.trim().split(/\s+/)[1]) >= 5)
    .map((l) => l.trim().slice(0, 140))
    .join("\n    ");
}
