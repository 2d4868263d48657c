import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineGrid,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import { loadSettings, saveSettings } from "../../models/settings.server";
import { enqueue } from "../../queue.server";
import { SETTINGS_DEFAULTS, SETTINGS_LIMITS, WRITABLE_TRAITS, cellField, traitField } from "../../domain/settings";
import { TRAIT_LABELS } from "../../domain/trait-labels";
import { SEGMENT_OPTIONS, parseSettingsForm, type SettingsErrors } from "./form.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const settings = await loadSettings(session.shop);
  if (!settings) throw new Response("Shop not installed", { status: 404 });
  return { ...settings, segmentOptions: SEGMENT_OPTIONS };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = parseSettingsForm(await request.formData());
  if (!form.ok) return { ok: false as const, errors: form.errors };
  if (!(await saveSettings(session.shop, form.values))) return { ok: false as const, errors: { form: "Shop is not installed" } as SettingsErrors };
  // Scores, tags and segments follow the new settings.
  await enqueue("recompute-shop", { shop: session.shop, reason: "settings changed" });
  return { ok: true as const, errors: {} as SettingsErrors };
};

const { churnHorizonDays: HORIZON, holdoutPercent: HOLDOUT, tagPrefixMaxLength: PREFIX_MAX } = SETTINGS_LIMITS;
const R_ROWS = [5, 4, 3, 2, 1];
const F_COLS = [1, 2, 3, 4, 5];

export default function Settings() {
  const saved = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = result?.errors ?? {};
  const [horizon, setHorizon] = useState(String(saved.churnHorizonDays));
  const [prefix, setPrefix] = useState(saved.tagPrefix);
  const [holdout, setHoldout] = useState(String(saved.holdoutPercent));
  const [writeBack, setWriteBack] = useState(saved.writeBackEnabled);
  const [traitPrefix, setTraitPrefix] = useState(saved.traitTagPrefix);
  const [traitsOn, setTraitsOn] = useState<Set<string>>(() => new Set(saved.enabledTraits));
  const toggleTrait = (t: string, on: boolean) =>
    setTraitsOn((s) => {
      const next = new Set(s);
      if (on) next.add(t);
      else next.delete(t);
      return next;
    });
  const [grid, setGrid] = useState<string[][]>(() => saved.segmentMap.grid.map((row) => [...row]));
  const setCell = (r: number, f: number, value: string) =>
    setGrid((g) => g.map((row, i) => (i === r - 1 ? row.map((v, j) => (j === f - 1 ? value : v)) : row)));
  const mapErrors = Object.entries(errors).filter(([k]) => k.startsWith("map_") || k === "segmentMap");

  return (
    <Page title="Settings" backAction={{ content: "Segments", url: "/app" }}>
      <Form method="post">
        <Layout>
          {result?.ok ? (
            <Layout.Section>
              <Banner tone="success" title="Settings saved">Scores are being recomputed with the new settings; tags and segments in Shopify follow.</Banner>
            </Layout.Section>
          ) : null}
          {result && !result.ok ? (
            <Layout.Section>
              <Banner tone="critical" title="Settings not saved">
                <p>Fix the fields marked below. Nothing was changed.</p>
                {errors.form ? <p>{errors.form}</p> : null}
              </Banner>
            </Layout.Section>
          ) : null}
          <Layout.Section>
            <Card>
              <FormLayout>
                <TextField
                  label="Churn horizon (days)"
                  name="churnHorizonDays"
                  type="number"
                  min={HORIZON.min}
                  max={HORIZON.max}
                  value={horizon}
                  onChange={setHorizon}
                  autoComplete="off"
                  error={errors.churnHorizonDays}
                  helpText={`Churn probability = chance of no order in this many days (${HORIZON.min} to ${HORIZON.max}).`}
                />
                <TextField
                  label="Tag prefix"
                  name="tagPrefix"
                  value={prefix}
                  onChange={setPrefix}
                  autoComplete="off"
                  maxLength={PREFIX_MAX}
                  error={errors.tagPrefix}
                  helpText={`Customers get tags like "${prefix || SETTINGS_DEFAULTS.tagPrefix}champions". 1 to ${PREFIX_MAX} letters, digits, -, _ or :. When you change it, tags written with the old prefix are removed at the next write-back.`}
                />
                <TextField
                  label="Holdout group (% of customers)"
                  name="holdoutPercent"
                  type="number"
                  min={HOLDOUT.min}
                  max={HOLDOUT.max}
                  value={holdout}
                  onChange={setHoldout}
                  autoComplete="off"
                  error={errors.holdoutPercent}
                  helpText={`A stable random share of customers tagged as holdout, to leave out of campaigns and measure their effect (${HOLDOUT.min} to ${HOLDOUT.max}).`}
                />
                <Checkbox
                  label="Write scores back to Shopify (tags, metafields, customer segments)"
                  name="writeBackEnabled"
                  checked={writeBack}
                  onChange={setWriteBack}
                  error={errors.writeBackEnabled}
                />
              </FormLayout>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">Behavioural traits</Text>
                <Text as="p" tone="subdued">Traits that are on become customer tags, the traits metafield and a Shopify customer segment each. Turning one off removes the app&apos;s tags for it at the next write-back.</Text>
                <TextField
                  label="Trait tag prefix"
                  name="traitTagPrefix"
                  value={traitPrefix}
                  onChange={setTraitPrefix}
                  autoComplete="off"
                  maxLength={PREFIX_MAX}
                  error={errors.traitTagPrefix}
                  helpText={`Customers get tags like "${traitPrefix || SETTINGS_DEFAULTS.traitTagPrefix}discount_seeker".`}
                />
                {WRITABLE_TRAITS.map((t) => (
                  <Checkbox
                    key={t}
                    label={TRAIT_LABELS[t].name}
                    helpText={TRAIT_LABELS[t].definition}
                    name={traitField(t)}
                    checked={traitsOn.has(t)}
                    onChange={(on) => toggleTrait(t, on)}
                  />
                ))}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section>
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
                        value={grid[r - 1][f - 1]}
                        onChange={(v) => setCell(r, f, v)}
                        error={errors[cellField(r, f)] ? true : undefined}
                      />
                    )),
                  ])}
                </InlineGrid>
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section>
            <Button submit variant="primary" loading={navigation.state === "submitting"}>Save</Button>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}
