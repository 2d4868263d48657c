// Bulk mutations: stagedUploadsCreate (BULK_MUTATION_VARIABLES) → multipart
// POST of the JSONL to the staged target → bulkOperationRunMutation → poll →
// read the result JSONL (one line per input line, with __lineNumber).
import type { ShopifyAdminClient } from "./admin-client.server";
import { ShopifyUserError } from "./admin-client.server";
import { fetchBulkOperation, streamBulkResult, type BulkOperationState } from "./bulk-export.server";
import { pollUntil, sleep } from "./wait";


const STAGED_UPLOAD_MUTATION = `#graphql
  mutation RfmStagedUpload($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets { url resourceUrl parameters { name value } }
      userErrors { field message }
    }
  }`;

const BULK_RUN_MUTATION = `#graphql
  mutation RfmBulkMutation($mutation: String!, $path: String!, $clientIdentifier: String) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path, clientIdentifier: $clientIdentifier) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

/** Upload a JSONL body to a fresh staged target; returns the stagedUploadPath (the `key` parameter). */
export async function uploadBulkVariables(client: ShopifyAdminClient, jsonl: string, filename = "bulk_op_vars.jsonl"): Promise<string> {
  const data = await client.request(
    STAGED_UPLOAD_MUTATION,
    { input: [{ resource: "BULK_MUTATION_VARIABLES", filename, mimeType: "text/jsonl", httpMethod: "POST" }] },
    10,
  );
  const r = data.stagedUploadsCreate;
  if (!r) throw new Error("stagedUploadsCreate returned no payload");
  const target = r.stagedTargets?.[0];
  if (r.userErrors.length || !target) throw new ShopifyUserError("stagedUploadsCreate", r.userErrors);
  if (!target.url) throw new Error("staged upload target has no url");
  const form = new FormData();
  for (const p of target.parameters) form.append(p.name, p.value);
  form.append("file", new Blob([jsonl], { type: "text/jsonl" }), filename);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(target.url, { method: "POST", body: form });
    } catch (e) {
      if (attempt >= 3) throw new Error(`staged upload failed: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`);
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if (res.ok) break;
    const body = await res.text().catch(() => "");
    if (attempt >= 3 || (res.status < 500 && res.status !== 429)) throw new Error(`staged upload failed: HTTP ${res.status} ${body.slice(0, 300)}`);
    await sleep(500 * 2 ** attempt);
  }
  const key = target.parameters.find((p) => p.name === "key")?.value;
  if (!key) throw new Error("staged upload target has no key parameter");
  return key;
}

/** Start a bulk mutation; retries while the shop is at its concurrent bulk operation limit. */
export async function startBulkMutation(client: ShopifyAdminClient, mutation: string, stagedUploadPath: string, clientIdentifier?: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const data = await client.request(
      BULK_RUN_MUTATION,
      { mutation, path: stagedUploadPath, clientIdentifier: clientIdentifier ?? null },
      10,
    );
    const r = data.bulkOperationRunMutation;
    if (!r) throw new Error("bulkOperationRunMutation returned no payload");
    if (r.bulkOperation && r.userErrors.length === 0) return r.bulkOperation.id;
    const busy = r.userErrors.some((e) => e.code === "LIMIT_REACHED" || e.code === "OPERATION_IN_PROGRESS");
    if (!busy || attempt > 600) throw new ShopifyUserError("bulkOperationRunMutation", r.userErrors);
    await sleep(1000);
  }
}

export async function waitForBulkOperation(client: ShopifyAdminClient, id: string, pollMs = 250): Promise<BulkOperationState> {
  return pollUntil(async () => {
    const op = await fetchBulkOperation(client, id);
    return op.status !== "CREATED" && op.status !== "RUNNING" && op.status !== "CANCELING" ? op : undefined;
  }, pollMs);
}

export interface BulkMutationResultLine {
  lineNumber: number;
  data: Record<string, unknown> | null;
  errors?: unknown[];
}

export interface BulkMutationOutcome {
  bulkOperationId: string;
  operation: BulkOperationState;
  /** Result per input line (0-based input line index). */
  results: Map<number, BulkMutationResultLine>;
}

/** Result lines of a finished bulk mutation, keyed by input line (0-based). */
export async function readBulkMutationResults(url: string | null | undefined): Promise<Map<number, BulkMutationResultLine>> {
  const out = new Map<number, BulkMutationResultLine>();
  if (!url) return out;
  let seq = 0;
  await streamBulkResult(url, (rec) => {
    const n = typeof rec.__lineNumber === "number" ? rec.__lineNumber : seq;
    seq++;
    out.set(n, { lineNumber: n, data: (rec.data as Record<string, unknown> | null) ?? null, errors: rec.errors as unknown[] | undefined });
  });
  return out;
}

/** Upload, run, wait and read one bulk mutation (one mutation type). */
export async function runBulkMutation(
  client: ShopifyAdminClient,
  mutation: string,
  variables: readonly Record<string, unknown>[],
  opts: { clientIdentifier?: string; pollMs?: number; onStarted?: (id: string) => Promise<void> | void } = {},
): Promise<BulkMutationOutcome> {
  const jsonl = variables.map((v) => JSON.stringify(v)).join("\n") + "\n";
  const path = await uploadBulkVariables(client, jsonl);
  const id = await startBulkMutation(client, mutation, path, opts.clientIdentifier);
  await opts.onStarted?.(id);
  const operation = await waitForBulkOperation(client, id, opts.pollMs);
  const results = operation.status === "COMPLETED" ? await readBulkMutationResults(operation.url) : await readBulkMutationResults(operation.partialDataUrl);
  return { bulkOperationId: id, operation, results };
}
