// Worker-thread entry for `cli score`: the churn champion (selectChampionAlone) selected beside
// the main thread's scoring, then part of the output lines formatted beside the main thread's
// part. Started before the file is read, so loading the modules overlaps the read.
import { parentPort } from "node:worker_threads";
import { type GroupedOrders, factsFromGroupedOrders } from "../domain/population-facts";
import { selectChampionAlone } from "../domain/score-with-champion";
import { type ScoreLineColumns, formatScoreLines } from "./score-lines";

export type ChurnThreadRequest =
  | {
      kind: "select";
      /** The orders before as-of, every customer with at least one (buildFacts' `orders`): shared memory, not copied. */
      orders: GroupedOrders;
      asOfMs: number;
      horizonDays: number;
    }
  /** Every line of these columns, answered as UTF-8 chunks in order. */
  | { kind: "format"; lines: ScoreLineColumns };

const port = parentPort!;
port.on("message", (request: ChurnThreadRequest) => {
  if (request.kind === "select") {
    const asOf = new Date(request.asOfMs);
    // The same facts rows as buildFacts' (every customer has an order before as-of), computed
    // here rather than copied over.
    const { facts } = factsFromGroupedOrders(request.orders, asOf);
    port.postMessage({ kind: "selected", selection: selectChampionAlone(facts, request.orders, { asOf, horizonDays: request.horizonDays }) });
    return;
  }
  const chunks: Buffer[] = [];
  void formatScoreLines(request.lines, 0, request.lines.customerIds.length, (text) => {
    chunks.push(Buffer.from(text, "utf8"));
  }).then(() => {
    // A chunk's memory moves back when it is the whole of its ArrayBuffer (large strings are), else it is copied.
    const whole = chunks.filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer as ArrayBuffer);
    port.postMessage({ kind: "formatted", chunks }, whole);
  });
});
