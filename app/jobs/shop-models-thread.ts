// Worker-thread entry of fitShopModelsOffThread (shop-models.ts): fits BG/NBD and sends the fit
// (for the champion thread), fits everything else but the churn champion, waits for the
// champion thread's selection (or null), completes the models and answers with them and the
// orders, their arrays moved back rather than copied.
import { parentPort, workerData } from "node:worker_threads";
import { sameChampionFit, type ChampionSelection } from "../domain/score-with-champion";
import { completeShopModels, fitModelsBeforeChampion, sendMoving, type FitThreadMessage, type ShopModelsInput, type ThreadFit } from "./shop-models";

const port = parentPort!;
const input = workerData as ShopModelsInput;
const before = fitModelsBeforeChampion(input, (fit) => port.postMessage({ kind: "fit", fit } satisfies FitThreadMessage));
port.once("message", (selection: ChampionSelection | null) => {
  const championBeside = before !== null && selection !== null && sameChampionFit(selection.fit, before.result.state);
  const answer: ThreadFit = { models: completeShopModels(before, input, selection), orders: input.orders, championBeside };
  const message: FitThreadMessage = { kind: "answer", answer };
  sendMoving(message, (transferList) => port.postMessage(message, transferList));
});
