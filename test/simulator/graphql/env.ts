// What every resolver of one Admin GraphQL request sees.
import type { SimShop } from "../model";
import type { ServerState } from "../state";

export interface Env {
  state: ServerState;
  shop: SimShop;
  /** Bulk export: connections ignore first/after and return everything. */
  bulk: boolean;
}
