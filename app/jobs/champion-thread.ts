// Worker-thread entry of the churn champion's selection for fitShopModelsOffThread
// (shop-models.ts): selected on the shop's scoring columns beside the fit thread.
import { parentPort, workerData } from "node:worker_threads";
import { factsFromGroupedOrders } from "../domain/population-facts";
import { selectChampionAlone } from "../domain/score-with-champion";
import type { ChampionThreadInput } from "./shop-models";

const { orders, asOfMs, horizonDays } = workerData as ChampionThreadInput;
const asOf = new Date(asOfMs);
const { facts } = factsFromGroupedOrders(orders, asOf);
parentPort!.postMessage(facts.n === 0 ? null : selectChampionAlone(facts, orders, { asOf, horizonDays }));
