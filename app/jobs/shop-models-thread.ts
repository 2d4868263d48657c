// Worker-thread entry of fitShopModelsOffThread (shop-models.ts): fits everything but the churn
// champion, waits for the champion thread's selection (or null), completes the models and
// answers with them and the orders, their arrays moved back rather than copied.
import { parentPort, workerData } from "node:worker_threads";
import { sameChampionFit, type ChampionSelection } from "../domain/score-with-champion";
import { completeShopModels, fitModelsBeforeChampion, sendMoving, type ShopModelsInput, type ThreadFit } from "./shop-models";

const input = workerData as ShopModelsInput;
const before = fitModelsBeforeChampion(input);
parentPort!.once("message", (selection: ChampionSelection | null) => {
  const championBeside = before !== null && selection !== null && sameChampionFit(selection.fit, before.result.state);
  const answer: ThreadFit = { models: completeShopModels(before, input, selection), orders: input.orders, championBeside };
  sendMoving(answer, (transferList) => parentPort!.postMessage(answer, transferList));
});
