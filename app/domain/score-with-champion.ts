// A shop's scores with churn from its churn champion (app/domain/churn/): the
// recompute scores everyone (scoreFacts), selects the champion by the shop's
// own out-of-time backtest and applies it; the live rescore applies the stored
// champion to one customer with no training on the hot path.
import { type ChampionFit, championChurnColumns, championChurnProbability, deliveredChurnModel, selectChurnChampion, type ChurnChampionState } from "./churn/champion";
import { computeCustomerFacts, type FactsColumns, type OrderInput } from "./customer-facts";
import type { GroupedOrders } from "./population-facts";
import { bgNbdAndHeuristicState, rescoreOne, scoreFacts, withChurn, type CustomerScore, type ScoreFactsResult, type ScoreOptions, type ShopModelState } from "./score-shop";

export interface ChampionScoring {
  result: ScoreFactsResult;
  churn: ChurnChampionState;
}

export type ChampionOptions = ScoreOptions & { asOf: Date; horizonDays: number };

/** Scores the facts at asOf and replaces churnProbability with the champion's (state.churnModel names it). */
export function scoreWithChampion(facts: FactsColumns, orders: GroupedOrders, options: ChampionOptions): ChampionScoring {
  return completeWithChampion(scoreFacts(facts, options), facts, orders, options, null);
}

/**
 * scoreFacts' result of these facts completed as scoreWithChampion would: with `selection` when
 * it was selected on the same fit (selectChampionAlone or selectChampionOnFit, on another thread), else with a
 * champion selected here.
 */
export function completeWithChampion(result: ScoreFactsResult, facts: FactsColumns, orders: GroupedOrders, options: ChampionOptions, selection: ChampionSelection | null): ChampionScoring {
  const churn = selection && sameChampionFit(selection.fit, result.state) ? selection.churn : selectChampion(orders, options, result.state);
  applyChampion(result, churn, championChurnColumns(churn, facts, result.state, options.horizonDays));
  return { result, churn };
}

function selectChampion(orders: GroupedOrders, options: ChampionOptions, fit: ChampionFit): ChurnChampionState {
  return selectChurnChampion(orders, {
    asOf: options.asOf,
    horizonDays: options.horizonDays,
    minCustomers: options.minCustomers,
    minRepeatCustomers: options.minRepeatCustomers,
    model: fit,
  });
}

export interface ChampionSelection {
  churn: ChurnChampionState;
  /** The fit it was selected with: scoreFacts' state fields for the same facts and options. */
  fit: ChampionFit;
}

/**
 * The selection part of scoreWithChampion alone, from only the state fields the champion reads
 * (bgNbdAndHeuristicState), so it can run beside scoreFacts (on another thread);
 * championChurnColumns and applyChampion then complete scoreFacts' result exactly as
 * scoreWithChampion would, when `fit` equals that result's state fields (sameChampionFit).
 */
export function selectChampionAlone(facts: FactsColumns, orders: GroupedOrders, options: ChampionOptions): ChampionSelection {
  return selectChampionOnFit(orders, options, bgNbdAndHeuristicState(facts, options));
}

/** The selection on a fit already made (bgNbdAndHeuristicState of the same orders' facts at asOf). */
export function selectChampionOnFit(orders: GroupedOrders, options: ChampionOptions, fit: ChampionFit): ChampionSelection {
  return { churn: selectChampion(orders, options, fit), fit };
}

/** Whether two fits hold the same values in the fields a champion reads. */
export function sameChampionFit(a: ChampionFit, b: ChampionFit): boolean {
  const fields = (f: ChampionFit) => JSON.stringify([f.model, f.fallbackReason, f.bgnbd, f.heuristic]);
  return fields(a) === fields(b);
}

/** Puts the champion's churn column into scoreFacts' result and names the delivered model. */
export function applyChampion(result: ScoreFactsResult, churn: ChurnChampionState, churnProbability: Float64Array): void {
  result.columns.churnProbability.set(churnProbability);
  result.state.churnModel = deliveredChurnModel(churn, result.state);
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
