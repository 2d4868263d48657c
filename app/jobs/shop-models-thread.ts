// Worker-thread entry of fitShopModelsOffThread (shop-models.ts): fits once and answers with
// the models and the orders, their arrays moved back rather than copied.
import { parentPort, workerData } from "node:worker_threads";
import { fitShopModels, sendMoving, type ShopModelsInput, type ThreadFit } from "./shop-models";

const input = workerData as ShopModelsInput;
const answer: ThreadFit = { models: fitShopModels(input), orders: input.orders };
sendMoving(answer, (transferList) => parentPort!.postMessage(answer, transferList));
