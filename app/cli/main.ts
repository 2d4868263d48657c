/**
 * Scoring CLI (contract: docs/cli.md), for benchmarks and checks outside the app.
 *   score --input FILE --as-of YYYY-MM-DD [--horizon-days 90] [--model auto] [--churn-thread auto]   JSONL, one line per scored customer
 *   evaluate --input FILE --as-of YYYY-MM-DD [--horizon-days 90]  the churn champion's backtest table
 *   fit --input FILE --as-of YYYY-MM-DD                          fitted parameters (days)
 *   fit --summary FILE [--time-unit days|weeks]                  fitted parameters (file's unit)
 *   convert-cdnow --input CDNOW_master.txt [--output FILE]       CDNOW → transactions CSV
 * Bad input exits 2 with FILE:LINE:COLUMN on stderr and nothing on stdout: all input is
 * parsed and validated before the first byte of output.
 */
import { compressTuples, fitBgNbd } from "../domain/bgnbd";
import { type ChurnChampionState, type ChurnModelName, championChurnColumns, championFeatures, deliveredChurnModel, selectChurnChampion } from "../domain/churn/champion";
import { heuristicChurn } from "../domain/churn/features";
import { fitGammaGamma, spendData } from "../domain/gamma-gamma";
import { type ScoreFactsResult, scoreFacts } from "../domain/score-shop";
import { applyChampion, sameChampionFit, scoreWithChampion } from "../domain/score-with-champion";
import { type ShopTraits, addVipAtRisk, computeTraits } from "../domain/traits";
import { ChurnThread } from "./churn-thread-client";
import { type PopulationFacts, buildFacts } from "./build-facts";
import { convertCdnow } from "./convert-cdnow";
import { InputError, UsageError } from "./input-error";
import { parseIsoUtc } from "./parse-date";
import { readSummary } from "./read-summary";
import { readTransactions } from "./read-transactions";
import { type ScoreLineColumns, formatScoreLines } from "./score-lines";

const USAGE = `usage:
  cli score --input FILE --as-of YYYY-MM-DD [--horizon-days 90] [--model auto|bgnbd|supervised|heuristic] [--churn-thread auto|on|off]
  cli evaluate --input FILE --as-of YYYY-MM-DD [--horizon-days 90] [--format text|json]
  cli fit --input FILE --as-of YYYY-MM-DD
  cli fit --summary FILE [--time-unit days|weeks]
  cli convert-cdnow --input CDNOW_master.txt [--output FILE]`;

type Options = Record<string, string>;

function parseArgs(argv: string[]): { command: string; options: Options } {
  const [command, ...rest] = argv;
  if (!command) throw new UsageError("missing command");
  const options: Options = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`option ${arg} needs a value`);
      options[arg.slice(2)] = value;
      i++;
    }
  }
  return { command, options };
}

function requireOption(options: Options, name: string): string {
  const v = options[name];
  if (v === undefined) throw new UsageError(`missing --${name}`);
  return v;
}

function asOfOption(options: Options): number {
  const text = requireOption(options, "as-of");
  // A calendar date YYYY-MM-DD (midnight UTC) or a full ISO date-time.
  const ms = parseIsoUtc(text);
  if (Number.isNaN(ms)) throw new UsageError(`--as-of: not a date: ${JSON.stringify(text)} (expected YYYY-MM-DD)`);
  return ms;
}

function horizonOption(options: Options): number {
  const horizonText = options["horizon-days"] ?? "90";
  const horizonDays = Number(horizonText);
  if (!/^\d+(\.\d+)?$/.test(horizonText) || !(horizonDays > 0)) throw new UsageError(`--horizon-days must be a positive number, got ${JSON.stringify(horizonText)}`);
  return horizonDays;
}

function choiceOption<T extends string>(options: Options, name: string, choices: readonly T[]): T {
  const v = options[name] ?? choices[0];
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${choices.join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}


const CHURN_MODEL_OPTIONS = ["auto", "bgnbd", "supervised", "heuristic"] as const;
type ChurnModelOption = (typeof CHURN_MODEL_OPTIONS)[number];

interface ScoredWithChurn {
  result: ScoreFactsResult;
  /** The model that produced result.columns.churnProbability. */
  churnModel: ChurnModelName;
  /** For the stderr summary. */
  note: string;
  /** Traits on the same orders (customer i = facts row i), vip_at_risk from result's churnProbability. */
  traits: ShopTraits;
}

/**
 * Scores the facts; churnProbability per --model. "auto" is exactly the recompute's path
 * (scoreWithChampion: the champion selected on the orders before as-of, as the app delivers it);
 * "supervised" the same, when what it delivers is the supervised model. "bgnbd" and "heuristic"
 * are those models' own probabilities, uncalibrated (docs/scoring.md), without a selection.
 * With a thread, the champion is selected there while this thread scores and computes the
 * traits; its answer is used only when it was selected on the same fit as this thread's
 * scoring (otherwise scoreWithChampion runs here), so the output is the same either way.
 */
async function scoreWithChurnModel(choice: ChurnModelOption, pop: PopulationFacts, asOf: Date, horizonDays: number, thread: ChurnThread | null): Promise<ScoredWithChurn> {
  const { facts } = pop;
  const traitsFor = (churnProbability: Float64Array) => computeTraits(pop.orders, { asOf, churnProbability });
  if (choice === "bgnbd" || choice === "heuristic") {
    const result = scoreFacts(facts, { asOf, horizonDays });
    const { state, columns } = result;
    if (choice === state.model) return { result, churnModel: choice, note: `${choice}, uncalibrated (--model ${choice})`, traits: traitsFor(columns.churnProbability) };
    if (choice === "bgnbd") return { result, churnModel: "heuristic", note: `heuristic: --model bgnbd, but BG/NBD is not usable (${state.fallbackReason})`, traits: traitsFor(columns.churnProbability) };
    const g = state.heuristic.typicalGapDays;
    for (let i = 0; i < facts.n; i++) columns.churnProbability[i] = heuristicChurn(g, facts.recencyDays[i], horizonDays);
    return { result, churnModel: "heuristic", note: "heuristic, uncalibrated (--model heuristic)", traits: traitsFor(columns.churnProbability) };
  }
  let scoring: { result: ScoreFactsResult; churn: ChurnChampionState } | null = null;
  let traits: ShopTraits | null = null;
  if (thread) {
    const { offsets, timesMs, amountsMinor } = pop.orders;
    const selected = thread.select({ orders: { offsets, timesMs, amountsMinor }, asOfMs: asOf.getTime(), horizonDays });
    const result = scoreFacts(facts, { asOf, horizonDays });
    traits = computeTraits(pop.orders, { asOf, churnProbability: null });
    // While the thread selects: the rows a supervised champion (the usual one) reads.
    const features = championFeatures(facts, result.state, horizonDays);
    const answer = await selected;
    if (answer && sameChampionFit(answer.fit, result.state)) {
      applyChampion(result, answer.churn, championChurnColumns(answer.churn, facts, result.state, horizonDays, features));
      scoring = { result, churn: answer.churn };
      addVipAtRisk(traits, result.columns.churnProbability);
    } else traits = null;
  }
  scoring ??= scoreWithChampion(facts, pop.orders, { asOf, horizonDays });
  const { result, churn } = scoring;
  const delivered = deliveredChurnModel(churn, result.state);
  let note = `champion ${churn.reason}`;
  if (delivered !== churn.champion) note = `${delivered}: champion ${churn.champion} cannot run on this fit (${result.state.fallbackReason ?? "no trained weights"}), uncalibrated; ${churn.reason}`;
  if (choice === "supervised" && delivered !== "supervised") note = `${delivered}: --model supervised, but the selection delivers no supervised model (${note})`;
  return { result, churnModel: delivered, note, traits: traits ?? traitsFor(result.columns.churnProbability) };
}

async function writeOut(text: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()));
}

/**
 * The file's facts at as-of. The rows themselves (millions of order-id strings) become garbage
 * here: an async function's locals live until it ends, and every garbage collection during the
 * scoring would trace them again.
 */
async function readPopulation(file: string, asOfMs: number): Promise<PopulationFacts> {
  return buildFacts(await readTransactions(file), asOfMs);
}

async function score(options: Options): Promise<void> {
  const file = requireOption(options, "input");
  const asOfMs = asOfOption(options);
  const horizonDays = horizonOption(options);
  const choice = choiceOption(options, "model", CHURN_MODEL_OPTIONS);
  const threadMode = choiceOption(options, "churn-thread", ["auto", "on", "off"] as const);
  const thread = choice === "auto" || choice === "supervised" ? ChurnThread.startFor(file, threadMode) : null;
  try {
    await scoreTo(file, asOfMs, horizonDays, choice, thread);
  } finally {
    await thread?.close();
  }
}

async function scoreTo(file: string, asOfMs: number, horizonDays: number, choice: ChurnModelOption, thread: ChurnThread | null): Promise<void> {
  const pop = await readPopulation(file, asOfMs);
  const { facts, customerIds } = pop;
  const scored = await scoreWithChurnModel(choice, pop, new Date(asOfMs), horizonDays, thread);
  const { columns: c, state } = scored.result;
  process.stderr.write(
    `scored ${facts.n} customers with model ${state.model}${state.fallbackReason ? ` (${state.fallbackReason})` : ""}, spend from ${state.spendModel}\n` +
      `churn from ${scored.churnModel}: ${scored.note}\n`,
  );
  const lines: ScoreLineColumns = {
    customerIds,
    frequency: facts.frequency,
    recencyDays: facts.recencyDays,
    monetaryMinor: facts.monetaryMinor,
    r: c.r,
    f: c.f,
    m: c.m,
    segment: c.segment,
    x: facts.x,
    tx: facts.tx,
    T: facts.T,
    pAlive: c.pAlive,
    churnProbability: c.churnProbability,
    expectedPurchases90d: c.expectedPurchases90d,
    predictedClv12mMinor: c.predictedClv12mMinor,
    traits: scored.traits.traits,
    expectedNextOrderMs: scored.traits.expectedNextOrderMs,
    model: state.model,
    churnModel: scored.churnModel,
  };
  // With the thread (free once it has answered): it formats the second half meanwhile, as bytes.
  const half = thread ? thread.formatLines(lines, facts.n >> 1, facts.n) : null;
  const mine = half ? facts.n >> 1 : facts.n;
  await formatScoreLines(lines, 0, mine, writeOut);
  const formatted = half ? await half : null;
  if (formatted) for (const bytes of formatted) await writeOut(bytes);
  else if (mine < facts.n) await formatScoreLines(lines, mine, facts.n, writeOut);
}

const fmt4 = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
const pad = (s: string, w: number, right = false) => (s.length >= w ? s : right ? " ".repeat(w - s.length) + s : s + " ".repeat(w - s.length));

/** The champion selection's out-of-time table (docs/cli.md, `evaluate`). */
function backtestText(ch: ChurnChampionState): string {
  const lines = [`churn champion at ${ch.asOf.slice(0, 10)} for a ${ch.horizonDays}-day horizon: ${ch.champion}`, `reason: ${ch.reason}`];
  if (ch.note) lines.push(`note: ${ch.note}`);
  if (ch.backtest.length === 0) {
    lines.push("no out-of-time backtest (see reason)");
    return `${lines.join("\n")}\n`;
  }
  const evalCut = ch.cuts[ch.cuts.length - 1];
  lines.push(`out of time: fitted before ${evalCut.slice(0, 10)}, checked on the next ${ch.windowDays} days; ${ch.cuts.length - 1} training cuts ${ch.cuts.slice(0, -1).map((c) => c.slice(0, 10)).join(", ")}`);
  const header = ["model", "customers", "churned", "AUC", "log-loss", "Brier", "ECE", ""];
  const rows = ch.backtest.map((m) => [m.model, String(m.customers), String(m.churned), fmt4(m.auc), fmt4(m.logLoss), fmt4(m.brier), fmt4(m.ece), m.model === ch.champion ? "champion" : ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) lines.push(r.map((cell, i) => pad(cell, widths[i], i > 0 && i < 7)).join("  ").trimEnd());
  return `${lines.join("\n")}\n`;
}

async function evaluate(options: Options): Promise<void> {
  const file = requireOption(options, "input");
  const asOfMs = asOfOption(options);
  const horizonDays = horizonOption(options);
  const format = choiceOption(options, "format", ["text", "json"] as const);
  const { orders } = await readPopulation(file, asOfMs);
  const champion = selectChurnChampion(orders, { asOf: new Date(asOfMs), horizonDays });
  await writeOut(format === "json" ? `${JSON.stringify(champion)}\n` : backtestText(champion));
}

interface FitOutput {
  bgnbd: { r: number; alpha: number; a: number; b: number; logLik: number };
  gammaGamma: { p: number; q: number; gamma: number } | null;
  customers: number;
}

/** Fits both models; the contract's JSON carries parameters only, convergence goes to stderr. */
function fitAll(x: ArrayLike<number>, tx: ArrayLike<number>, T: ArrayLike<number>, spend: ArrayLike<number> | null): FitOutput {
  const bg = fitBgNbd(compressTuples(x, tx, T));
  const notes = [`BG/NBD ${bg.converged ? "converged" : "did NOT converge"} (${bg.evaluations} evaluations)`];
  let gammaGamma: FitOutput["gammaGamma"] = null;
  if (spend) {
    const data = spendData(x, spend);
    if (data.count > 0) {
      const gg = fitGammaGamma(data);
      gammaGamma = { ...gg.params };
      notes.push(`Gamma-Gamma on ${gg.customers} repeat buyers ${gg.converged ? "converged" : "did NOT converge"}`);
    } else notes.push("Gamma-Gamma: no repeat buyers with positive spend");
  } else notes.push("Gamma-Gamma: no spend column");
  process.stderr.write(`${notes.join("; ")}\n`);
  const { r, alpha, a, b } = bg.params;
  return { bgnbd: { r, alpha, a, b, logLik: bg.logLik }, gammaGamma, customers: x.length };
}

async function fit(options: Options): Promise<void> {
  let result: FitOutput;
  if (options.summary !== undefined) {
    if (options.input !== undefined) throw new UsageError("give either --summary or --input, not both");
    const unit = options["time-unit"] ?? "days";
    if (unit !== "days" && unit !== "weeks") throw new UsageError(`--time-unit must be days or weeks, got ${JSON.stringify(unit)}`);
    const s = await readSummary(options.summary);
    result = fitAll(s.x, s.tx, s.T, s.spend); // parameters in the file's time unit
  } else {
    const file = requireOption(options, "input");
    const asOfMs = asOfOption(options);
    const { facts } = await readPopulation(file, asOfMs);
    result = fitAll(facts.x, facts.tx, facts.T, facts.repeatDayMeanMinor);
    // Spend was fitted in minor units; report gamma in currency units like the amounts in the file.
    if (result.gammaGamma) result.gammaGamma.gamma /= 100;
  }
  await writeOut(`${JSON.stringify(result)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, options } = parseArgs(argv);
    if (command === "score") await score(options);
    else if (command === "evaluate") await evaluate(options);
    else if (command === "fit") await fit(options);
    else if (command === "convert-cdnow") await convertCdnow(requireOption(options, "input"), options.output);
    else throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
