// The JSON lines of `cli score` (docs/cli.md) from the scored columns, for any range of
// customers: the main thread formats one part while the churn thread formats the rest.
import { SEGMENT_KEYS } from "../domain/segment-map";
import { TRAIT_KEYS, traitKeys } from "../domain/traits";
import { hundredthsText, round6Text } from "./fixed-decimals";

/** Everything a line prints, per customer (index i = line i of the range's source). */
export interface ScoreLineColumns {
  customerIds: string[];
  frequency: Int32Array;
  recencyDays: Int32Array;
  monetaryMinor: Float64Array;
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  segment: Uint8Array;
  x: Int32Array;
  tx: Float64Array;
  T: Float64Array;
  pAlive: Float64Array;
  churnProbability: Float64Array;
  expectedPurchases90d: Float64Array;
  predictedClv12mMinor: Float64Array;
  traits: Uint8Array;
  expectedNextOrderMs: Float64Array;
  model: string;
  churnModel: string;
}

/** Rows [from, to) of the columns, copied (to hand a part to another thread). */
export function sliceScoreLineColumns(c: ScoreLineColumns, from: number, to: number): ScoreLineColumns {
  return {
    customerIds: c.customerIds.slice(from, to),
    frequency: c.frequency.slice(from, to),
    recencyDays: c.recencyDays.slice(from, to),
    monetaryMinor: c.monetaryMinor.slice(from, to),
    r: c.r.slice(from, to),
    f: c.f.slice(from, to),
    m: c.m.slice(from, to),
    segment: c.segment.slice(from, to),
    x: c.x.slice(from, to),
    tx: c.tx.slice(from, to),
    T: c.T.slice(from, to),
    pAlive: c.pAlive.slice(from, to),
    churnProbability: c.churnProbability.slice(from, to),
    expectedPurchases90d: c.expectedPurchases90d.slice(from, to),
    predictedClv12mMinor: c.predictedClv12mMinor.slice(from, to),
    traits: c.traits.slice(from, to),
    expectedNextOrderMs: c.expectedNextOrderMs.slice(from, to),
    model: c.model,
    churnModel: c.churnModel,
  };
}

/** Calls emit with the lines of rows [from, to) in order, in chunks of about a megabyte. */
export async function formatScoreLines(c: ScoreLineColumns, from: number, to: number, emit: (text: string) => void | Promise<void>): Promise<void> {
  const model = JSON.stringify(c.model);
  const churnModel = JSON.stringify(c.churnModel);
  const segmentJson = SEGMENT_KEYS.map((k) => JSON.stringify(k));
  const traitsJson = Array.from({ length: 1 << TRAIT_KEYS.length }, (_, mask) => JSON.stringify(traitKeys(mask)));
  const dateJson = new Map<number, string>();
  const nextOrderJson = (ms: number) => {
    if (Number.isNaN(ms)) return "null";
    let text = dateJson.get(ms);
    if (text === undefined) {
      text = `"${new Date(ms).toISOString().slice(0, 10)}"`;
      dateJson.set(ms, text);
    }
    return text;
  };
  let buf = "";
  for (let i = from; i < to; i++) {
    // Integer cents divided by 100 prints as the exact 2-decimal amount (correctly rounded
    // division); the *Text helpers print what String() would, without its general algorithm.
    buf +=
      `{"customerId":${JSON.stringify(c.customerIds[i])},"frequency":${c.frequency[i]},"recencyDays":${c.recencyDays[i]},` +
      `"monetary":${hundredthsText(c.monetaryMinor[i])},"r":${c.r[i]},"f":${c.f[i]},"m":${c.m[i]},"segment":${segmentJson[c.segment[i]]},` +
      `"x":${c.x[i]},"tx":${c.tx[i]},"T":${c.T[i]},"pAlive":${round6Text(c.pAlive[i])},` +
      `"churnProbability":${round6Text(c.churnProbability[i])},"expectedPurchases90d":${round6Text(c.expectedPurchases90d[i])},` +
      `"predictedClv12m":${hundredthsText(Math.round(c.predictedClv12mMinor[i]))},"model":${model},"churnModel":${churnModel},` +
      `"traits":${traitsJson[c.traits[i]]},"expectedNextOrderDate":${nextOrderJson(c.expectedNextOrderMs[i])}}\n`;
    if (buf.length > 1 << 20) {
      await emit(buf);
      buf = "";
    }
  }
  if (buf) await emit(buf);
}
