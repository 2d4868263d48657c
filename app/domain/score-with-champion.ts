// A shop's scores with churn from its churn champion (app/domain/churn/): the
// recompute scores everyone (scoreFacts), selects the champion by the shop's
// own out-of-time backtest and applies it; the live rescore applies the stored
// champion to one customer with no training on the hot path.
import { championChurnColumns, championChurnProbability, deliveredChurnModel, selectChurnChampion, type ChurnChampionState } from "./churn/champion";
import { computeCustomerFacts, type FactsColumns, type OrderInput } from "./customer-facts";
import type { GroupedOrders } from "./population-facts";
import { rescoreOne, scoreFacts, withChurn, type CustomerScore, type ScoreFactsResult, type ScoreOptions, type ShopModelState } from "./score-shop";

export interface ChampionScoring {
  result: ScoreFactsResult;
  churn: ChurnChampionState;
}

/** Scores the facts at asOf and replaces churnProbability with the champion's (state.churnModel names it). */
export function scoreWithChampion(facts: FactsColumns, orders: GroupedOrders, options: ScoreOptions & { asOf: Date; horizonDays: number }): ChampionScoring {
  const result = scoreFacts(facts, options);
  const churn = selectChurnChampion(orders, {
    asOf: options.asOf,
    horizonDays: options.horizonDays,
    minCustomers: options.minCustomers,
    minRepeatCustomers: options.minRepeatCustomers,
    model: result.state,
  });
  result.columns.churnProbability.set(championChurnColumns(churn, facts, result.state, options.horizonDays));
  result.state.churnModel = deliveredChurnModel(churn, result.state);
  return { result, churn };
}

/**
 * One customer against the stored state: RFM cut points, BG/NBD and spend parameters, and the
 * stored champion (null for a state saved before champions existed: churn from `state.model`).
 */
export function rescoreWithChampion(orders: readonly OrderInput[], state: ShopModelState, churn: ChurnChampionState | null, asOf: Date): CustomerScore | null {
  const facts = computeCustomerFacts(orders, asOf);
  if (!facts) return null;
  const score = rescoreOne(facts, state, asOf);
  if (!churn) return score;
  return withChurn(score, championChurnProbability(churn, facts, state, state.horizonDays), deliveredChurnModel(churn, state), state);
}
