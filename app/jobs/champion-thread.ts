// Worker-thread entry of the churn champion's selection for fitShopModelsOffThread
// (shop-models.ts): given the shop's scoring columns, it waits for the fit thread's BG/NBD fit
// and selects the champion on it, beside the fit thread's scoring.
import { parentPort, workerData } from "node:worker_threads";
import type { ChampionFit } from "../domain/churn/champion";
import { selectChampionOnFit } from "../domain/score-with-champion";
import type { ChampionThreadInput } from "./shop-models";

const port = parentPort!;
const { orders, asOfMs, horizonDays } = workerData as ChampionThreadInput;
port.once("message", (fit: ChampionFit | null) => {
  port.postMessage(fit ? selectChampionOnFit(orders, { asOf: new Date(asOfMs), horizonDays }, fit) : null);
});
