// The mutation fields of the simulated Admin API, one line each; the work is
// in the module of each concern (bulk.ts for bulk operations and uploads).
import * as bulk from "../../bulk";
import type { Env } from "../env";
import { flowTriggerReceive } from "./flow";
import { metafieldDefinitionCreate } from "./metafield-definitions";
import { metafieldsDelete, metafieldsSet, type MfIdentifierInput, type MfInput } from "./metafields";
import { segmentCreate, segmentDelete, segmentUpdate } from "./segments";
import { tagsMutation } from "./tags";

export function mutationRoot(env: Env) {
  const { state, shop } = env;
  return {
    bulkOperationRunQuery: (a: { query: string; groupObjects?: boolean }) => bulk.runQuery(state, shop, a.query),
    bulkOperationRunMutation: (a: { mutation: string; stagedUploadPath: string; clientIdentifier?: string }) =>
      bulk.runMutation(state, shop, a.mutation, a.stagedUploadPath, a.clientIdentifier ?? null),
    bulkOperationCancel: (a: { id: string }) => bulk.cancel(state, shop, a.id),
    stagedUploadsCreate: (a: { input: any[] }) => bulk.stagedUploadsCreate(state, shop, a.input),
    tagsAdd: (a: { id: string; tags: string[] }) => tagsMutation(env, a, true),
    tagsRemove: (a: { id: string; tags: string[] }) => tagsMutation(env, a, false),
    metafieldsSet: (a: { metafields: MfInput[] }) => metafieldsSet(env, a),
    metafieldsDelete: (a: { metafields: MfIdentifierInput[] }) => metafieldsDelete(env, a),
    metafieldDefinitionCreate: (a: { definition: any }) => metafieldDefinitionCreate(env, a),
    segmentCreate: (a: { name: string; query: string }) => segmentCreate(env, a),
    segmentUpdate: (a: { id: string; name?: string | null; query?: string | null }) => segmentUpdate(env, a),
    segmentDelete: (a: { id: string }) => segmentDelete(env, a),
    flowTriggerReceive: (a: { handle?: string; payload?: unknown; body?: string }) => flowTriggerReceive(env, a),
  };
}
