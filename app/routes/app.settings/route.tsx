import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRevalidator, useRouteError } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { loadSettings, saveSettings } from "../../models/settings.server";
import { loadLastJobRun } from "../../models/job-runs.server";
import { enqueue } from "../../queue.server";
import { SETTINGS_DEFAULTS, SETTINGS_LIMITS, WRITABLE_TRAITS, cellField, traitField } from "../../domain/settings";
import { TRAIT_LABELS } from "../../domain/trait-labels";
import { formatCount, formatDateTime, formatDuration } from "../../domain/format";
import { SEGMENT_OPTIONS, parseSettingsForm, type SettingsErrors } from "./form.server";
import { RECOMPUTE_INTENT, SAVE_INTENT } from "./intents";
import { recomputeView, type RecomputeView } from "./recompute.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const settings = await loadSettings(session.shop);
  if (!settings) throw new Response("Shop not installed", { status: 404 });
  const lastRecompute = recomputeView(await loadLastJobRun(session.shop, "recompute-shop"));
  return { ...settings, segmentOptions: SEGMENT_OPTIONS, lastRecompute };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const data = await request.formData();
  const intent = data.get("intent") ?? SAVE_INTENT;
  const requestedAt = new Date().toISOString();
  if (intent === RECOMPUTE_INTENT) {
    if (!(await loadSettings(session.shop))) return { ok: false as const, intent, errors: { form: "Shop is not installed" } as SettingsErrors };
    await enqueue("recompute-shop", { shop: session.shop, reason: "merchant asked" });
    return { ok: true as const, intent, requestedAt, errors: {} as SettingsErrors };
  }
  if (intent !== SAVE_INTENT) throw new Response(`Unknown intent: ${String(intent)}`, { status: 400 });
  const form = parseSettingsForm(data);
  if (!form.ok) return { ok: false as const, intent, errors: form.errors };
  if (!(await saveSettings(session.shop, form.values))) return { ok: false as const, intent, errors: { form: "Shop is not installed" } as SettingsErrors };
  // Scores, tags and segments follow the new settings.
  await enqueue("recompute-shop", { shop: session.shop, reason: "settings changed" });
  return { ok: true as const, intent, requestedAt, errors: {} as SettingsErrors };
};

const { churnHorizonDays: HORIZON, holdoutPercent: HOLDOUT, tagPrefixMaxLength: PREFIX_MAX } = SETTINGS_LIMITS;
const R_ROWS = [5, 4, 3, 2, 1];
const F_COLS = [1, 2, 3, 4, 5];

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

/** The editable fields as the form holds them (strings as typed). */
interface Draft {
  horizon: string;
  prefix: string;
  holdout: string;
  writeBack: boolean;
  traitPrefix: string;
  traits: string[];
  optOut: string;
  grid: string[][];
}

const draftOf = (s: Loaded): Draft => ({
  horizon: String(s.churnHorizonDays),
  prefix: s.tagPrefix,
  holdout: String(s.holdoutPercent),
  writeBack: s.writeBackEnabled,
  traitPrefix: s.traitTagPrefix,
  traits: WRITABLE_TRAITS.filter((t) => s.enabledTraits.includes(t)),
  optOut: s.optOutTag ?? SETTINGS_DEFAULTS.optOutTag,
  grid: s.segmentMap.grid.map((row) => [...row]),
});

const SAVE_BAR_ID = "settings-save-bar";
/** While a recompute waits or runs, the page re-reads its state this often, for at most POLL_FOR_MS. */
const POLL_EVERY_MS = 2000;
const POLL_FOR_MS = 10 * 60_000;

/** App Bridge's global, when the page runs inside the Shopify admin with App Bridge loaded. */
function appBridge(): typeof shopify | null {
  return typeof window !== "undefined" && typeof shopify !== "undefined" ? shopify : null;
}

/** The contextual save bar (App Bridge's ui-save-bar), shown while the form has unsaved changes. */
function SaveBar({ dirty, saving, onSave, onDiscard }: { dirty: boolean; saving: boolean; onSave: () => void; onDiscard: () => void }) {
  useEffect(() => {
    const bridge = appBridge();
    if (!bridge?.saveBar) return;
    void (dirty ? bridge.saveBar.show(SAVE_BAR_ID) : bridge.saveBar.hide(SAVE_BAR_ID));
  }, [dirty]);
  useEffect(() => () => void appBridge()?.saveBar?.hide(SAVE_BAR_ID), []);
  return (
    // App Bridge reads the two buttons (Save: variant primary; Discard) and shows its own bar in
    // the admin; nothing of it belongs in the page itself (hidden where App Bridge does not define it).
    <div style={{ display: "none" }}>
      <ui-save-bar id={SAVE_BAR_ID}>
        <button variant="primary" type="button" onClick={onSave} loading={saving ? "" : undefined} disabled={saving}></button>
        <button type="button" onClick={onDiscard} disabled={saving}></button>
      </ui-save-bar>
    </div>
  );
}

/** What the last recompute did, or that one is waiting for a worker. */
function RecomputeStatus({ last, requestedAt }: { last: RecomputeView | null; requestedAt: string | null }) {
  const waiting = requestedAt !== null && (!last || last.startedAt < requestedAt);
  if (waiting) {
    return (
      <InlineStack gap="200" blockAlign="center">
        <Badge tone="attention">Queued</Badge>
        <Text as="span">{`Recompute requested ${formatDateTime(requestedAt)}, waiting for a worker to start it.`}</Text>
      </InlineStack>
    );
  }
  if (!last) return <Text as="p" tone="subdued">No recompute has run for this shop yet.</Text>;
  if (last.status === "running") {
    return (
      <InlineStack gap="200" blockAlign="center">
        <Badge tone="info">Running</Badge>
        <Text as="span">{`Recompute started ${formatDateTime(last.startedAt)}.`}</Text>
      </InlineStack>
    );
  }
  const took = last.finishedAt ? Math.max(0, Math.round((Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000)) : null;
  const what =
    last.status === "completed"
      ? [
          last.customers !== null ? `${formatCount(last.customers)} customers scored` : null,
          last.transitions !== null ? `${formatCount(last.transitions)} segment changes recorded` : null,
        ].filter(Boolean)
      : [];
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center">
        <Badge tone={last.status === "completed" ? "success" : "critical"}>{last.status === "completed" ? "Completed" : "Failed"}</Badge>
        <Text as="span">
          {`Last recompute ${last.status === "completed" ? "finished" : "failed"} ${formatDateTime(last.finishedAt ?? last.startedAt)}${took !== null ? ` (took ${formatDuration(took)})` : ""}${what.length ? `: ${what.join(", ")}.` : "."}`}
        </Text>
      </InlineStack>
      {last.error ? <Text as="p" tone="critical">{last.error}</Text> : null}
    </BlockStack>
  );
}

export default function Settings() {
  const saved = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const formRef = useRef<HTMLFormElement>(null);
  const submittingIntent = navigation.state === "submitting" ? (navigation.formData?.get("intent") ?? SAVE_INTENT) : null;
  const errors: Record<string, string> = result?.errors ?? {};

  const savedDraft = useMemo(() => draftOf(saved), [saved]);
  const savedKey = JSON.stringify(savedDraft);
  const [draft, setDraft] = useState<Draft>(savedDraft);
  // New saved values (after a save) replace the form's; a re-read with the same values (the
  // recompute status polling) leaves edits in progress alone.
  useEffect(() => setDraft(JSON.parse(savedKey) as Draft), [savedKey]);
  const dirty = JSON.stringify(draft) !== savedKey;
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggleTrait = (t: string, on: boolean) =>
    setDraft((d) => ({ ...d, traits: WRITABLE_TRAITS.filter((k) => (k === t ? on : d.traits.includes(k))) }));
  const setCell = (r: number, f: number, value: string) =>
    setDraft((d) => ({ ...d, grid: d.grid.map((row, i) => (i === r - 1 ? row.map((v, j) => (j === f - 1 ? value : v)) : row)) }));
  const discard = useCallback(() => setDraft(JSON.parse(savedKey) as Draft), [savedKey]);
  const save = useCallback(() => formRef.current?.requestSubmit(), []);
  const mapErrors = Object.entries(errors).filter(([k]) => k.startsWith("map_") || k === "segmentMap");

  // After a save or "recompute now", follow the recompute until it has finished. The request is
  // kept in state: a revalidation clears the action's data.
  const [requested, setRequested] = useState<{ at: string; intent: string } | null>(null);
  useEffect(() => {
    if (result?.ok) setRequested({ at: result.requestedAt, intent: String(result.intent) });
  }, [result]);
  const requestedAt = requested?.at ?? null;
  const last = saved.lastRecompute;
  const [mountedAt] = useState(() => Date.now());
  const following = (requestedAt !== null && (!last || last.startedAt < requestedAt)) || last?.status === "running";
  useEffect(() => {
    const since = requestedAt ? Math.max(Date.parse(requestedAt), mountedAt) : mountedAt;
    if (!following || Date.now() - since > POLL_FOR_MS) return;
    const timer = setTimeout(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, POLL_EVERY_MS);
    return () => clearTimeout(timer);
  }, [following, requestedAt, mountedAt, revalidator, last]);

  return (
    <Page title="Settings" backAction={{ content: "Segments", url: "/app" }}>
      <SaveBar dirty={dirty} saving={submittingIntent === SAVE_INTENT} onSave={save} onDiscard={discard} />
      <Layout>
        {requested && !(result && !result.ok) ? (
          <Layout.Section>
            <Banner tone="success" title={requested.intent === RECOMPUTE_INTENT ? "Recompute requested" : "Settings saved"}>
              {requested.intent === RECOMPUTE_INTENT
                ? "The scores are being recomputed; tags and segments in Shopify follow. Its progress shows below."
                : "Scores are being recomputed with the new settings; tags and segments in Shopify follow. Its progress shows below."}
            </Banner>
          </Layout.Section>
        ) : null}
        {result && !result.ok ? (
          <Layout.Section>
            <Banner tone="critical" title={result.intent === RECOMPUTE_INTENT ? "Recompute not requested" : "Settings not saved"}>
              {result.intent === RECOMPUTE_INTENT ? null : <p>Fix the fields marked below. Nothing was changed.</p>}
              {errors.form ? <p>{errors.form}</p> : null}
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">Scores</Text>
              <RecomputeStatus last={last} requestedAt={requestedAt} />
              <Form method="post">
                <input type="hidden" name="intent" value={RECOMPUTE_INTENT} />
                <InlineStack gap="200" blockAlign="center">
                  <Button submit loading={submittingIntent === RECOMPUTE_INTENT} disabled={following}>Recompute now</Button>
                  <Text as="span" tone="subdued">Refits the models and rescores every customer with the saved settings (it also runs nightly and after every save).</Text>
                </InlineStack>
              </Form>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Form method="post" ref={formRef}>
            <input type="hidden" name="intent" value={SAVE_INTENT} />
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <TextField
                    label="Churn horizon (days)"
                    name="churnHorizonDays"
                    type="number"
                    min={HORIZON.min}
                    max={HORIZON.max}
                    value={draft.horizon}
                    onChange={set("horizon")}
                    autoComplete="off"
                    error={errors.churnHorizonDays}
                    helpText={`Churn probability = chance of no order in this many days (${HORIZON.min} to ${HORIZON.max}).`}
                  />
                  <TextField
                    label="Tag prefix"
                    name="tagPrefix"
                    value={draft.prefix}
                    onChange={set("prefix")}
                    autoComplete="off"
                    maxLength={PREFIX_MAX}
                    error={errors.tagPrefix}
                    helpText={`Customers get tags like "${draft.prefix || SETTINGS_DEFAULTS.tagPrefix}champions". 1 to ${PREFIX_MAX} letters, digits, -, _ or :. When you change it, tags written with the old prefix are removed at the next write-back.`}
                  />
                  <TextField
                    label="Holdout group (% of customers)"
                    name="holdoutPercent"
                    type="number"
                    min={HOLDOUT.min}
                    max={HOLDOUT.max}
                    value={draft.holdout}
                    onChange={set("holdout")}
                    autoComplete="off"
                    error={errors.holdoutPercent}
                    helpText={`A stable random share of customers tagged as holdout, to leave out of campaigns and measure their effect (${HOLDOUT.min} to ${HOLDOUT.max}).`}
                  />
                  <Checkbox
                    label="Write scores back to Shopify (tags, metafields, customer segments)"
                    name="writeBackEnabled"
                    value="on"
                    checked={draft.writeBack}
                    onChange={set("writeBack")}
                    error={errors.writeBackEnabled}
                  />
                  <TextField
                    label="Profiling opt-out tag"
                    name="optOutTag"
                    value={draft.optOut}
                    onChange={set("optOut")}
                    autoComplete="off"
                    error={errors.optOutTag}
                    helpText="Customers with this tag are not scored and carry none of the app's tags, metafields or segments; the change takes effect within seconds of tagging."
                  />
                </FormLayout>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Behavioural traits</Text>
                  <Text as="p" tone="subdued">Traits that are on become customer tags, the traits metafield and a Shopify customer segment each. Turning one off removes the app&apos;s tags for it at the next write-back.</Text>
                  <TextField
                    label="Trait tag prefix"
                    name="traitTagPrefix"
                    value={draft.traitPrefix}
                    onChange={set("traitPrefix")}
                    autoComplete="off"
                    maxLength={PREFIX_MAX}
                    error={errors.traitTagPrefix}
                    helpText={`Customers get tags like "${draft.traitPrefix || SETTINGS_DEFAULTS.traitTagPrefix}discount_seeker".`}
                  />
                  {WRITABLE_TRAITS.map((t) => (
                    <Checkbox
                      key={t}
                      label={TRAIT_LABELS[t].name}
                      helpText={TRAIT_LABELS[t].definition}
                      name={traitField(t)}
                      value="on"
                      checked={draft.traits.includes(t)}
                      onChange={(on) => toggleTrait(t, on)}
                    />
                  ))}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">Segment map</Text>
                  <Text as="p" tone="subdued">Which segment each recency (R) and frequency (F) score pair falls in. R 5 = most recent, F 1 = bought once.</Text>
                  {mapErrors.length ? (
                    <Banner tone="critical">
                      {mapErrors.map(([k, m]) => (
                        <p key={k}>{m}</p>
                      ))}
                    </Banner>
                  ) : null}
                  <InlineGrid columns={6} gap="200">
                    <Text as="span" variant="headingSm">R \ F</Text>
                    {F_COLS.map((f) => (
                      <Text key={f} as="span" variant="headingSm">F {f}</Text>
                    ))}
                    {R_ROWS.map((r) => [
                      <div key={`r${r}`} style={{ display: "flex", alignItems: "center" }}>
                        <Text as="span" variant="headingSm">R {r}</Text>
                      </div>,
                      ...F_COLS.map((f) => (
                        <Select
                          key={cellField(r, f)}
                          label={`R ${r}, F ${f}`}
                          labelHidden
                          name={cellField(r, f)}
                          options={saved.segmentOptions}
                          value={draft.grid[r - 1][f - 1]}
                          onChange={(v) => setCell(r, f, v)}
                          error={errors[cellField(r, f)] ? true : undefined}
                        />
                      )),
                    ])}
                  </InlineGrid>
                </BlockStack>
              </Card>
              <InlineStack gap="200">
                <Button submit variant="primary" loading={submittingIntent === SAVE_INTENT} disabled={!dirty}>Save</Button>
                <Button onClick={discard} disabled={!dirty}>Discard changes</Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

// A failure while loading: said in the page, with a way to retry.
export function ErrorBoundary() {
  const error = useRouteError();
  // Shopify's auth responses (as the app layout's boundary shows them; boundary.error tells them by a
  // class name the client build minifies away).
  if (isRouteErrorResponse(error) && error.status !== 404 && error.status !== 400) return <div dangerouslySetInnerHTML={{ __html: typeof error.data === "string" && error.data ? error.data : "Handling response" }} />;
  const notInstalled = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Page title="Settings" backAction={{ content: "Segments", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Banner tone="critical" title={notInstalled ? "This shop is not set up yet" : "The settings could not be loaded"} action={{ content: "Try again", url: "/app/settings" }}>
            <p>{notInstalled ? "Open the app from your Shopify admin to finish the installation." : "Something went wrong. Try again in a moment."}</p>
          </Banner>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
