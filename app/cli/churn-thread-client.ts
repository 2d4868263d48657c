// The main-thread side of churn-thread.ts (`cli score` selects the churn champion there while
// it scores, then has it format part of the output): started before the input is read.
import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { ChampionSelection } from "../domain/score-with-champion";
import type { ChurnThreadRequest } from "./churn-thread";
import { type ScoreLineColumns, sliceScoreLineColumns } from "./score-lines";

/**
 * Inputs from this size on use the thread (about 14,000 customers of the benchmark's file):
 * below it the thread's start (~0.3 s of module loading) is more than the selection it saves.
 */
export const CHURN_THREAD_MIN_BYTES = 2 << 20;

type Reply = { kind: "selected"; selection: ChampionSelection } | { kind: "formatted"; chunks: Uint8Array[] };

export class ChurnThread {
  private failed = false;
  private readonly waiting = new Map<Reply["kind"], (reply: Reply | null) => void>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: Reply) => {
      this.waiting.get(reply.kind)?.(reply);
      this.waiting.delete(reply.kind);
    });
    // Any failure of the thread (it could not start, it threw) leaves the work to the caller.
    const fail = () => {
      this.failed = true;
      for (const resolve of this.waiting.values()) resolve(null);
      this.waiting.clear();
    };
    worker.once("error", fail);
    worker.once("exit", fail);
  }

  /** A thread for this input, or null when it is not worth one ("auto": by size) or not wanted ("off"). */
  static startFor(file: string, mode: "auto" | "on" | "off"): ChurnThread | null {
    if (mode === "off") return null;
    if (mode === "auto") {
      let bytes = 0;
      try {
        bytes = statSync(file).size;
      } catch {
        return null; // the reader reports the missing file
      }
      if (bytes < CHURN_THREAD_MIN_BYTES) return null;
    }
    try {
      return new ChurnThread(new Worker(new URL("./churn-thread.ts", import.meta.url), { execArgv: ["--import", "tsx"] }));
    } catch {
      return null;
    }
  }

  private ask(request: ChurnThreadRequest, kind: Reply["kind"]): Promise<Reply | null> {
    if (this.failed) return Promise.resolve(null);
    const reply = new Promise<Reply | null>((resolve) => this.waiting.set(kind, resolve));
    this.worker.postMessage(request);
    return reply;
  }

  /**
   * The champion selected on the thread, or null when it failed. Orders in shared memory reach
   * the thread without a copy (buildFacts allocates them so).
   */
  async select(request: Omit<Extract<ChurnThreadRequest, { kind: "select" }>, "kind">): Promise<ChampionSelection | null> {
    const reply = await this.ask({ kind: "select", ...request }, "selected");
    return reply?.kind === "selected" ? reply.selection : null;
  }

  /** Lines [from, to) as UTF-8 chunks in order (their columns copied over), or null when the thread failed. */
  async formatLines(lines: ScoreLineColumns, from: number, to: number): Promise<Uint8Array[] | null> {
    const reply = await this.ask({ kind: "format", lines: sliceScoreLineColumns(lines, from, to) }, "formatted");
    return reply?.kind === "formatted" ? reply.chunks : null;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
