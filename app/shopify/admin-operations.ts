// The typed Admin API operations: every `#graphql` document in app/shopify/,
// keyed by its exact source text. Both interfaces are empty here and filled in
// by app/types/admin.generated.d.ts (module augmentation), which
// `npm run graphql:codegen` writes from the documents and
// app/types/admin-2026-01.schema.graphql. ShopifyAdminClient.request and
// paginate() read variables and result types from them.
//
// Unlike @shopify/admin-api-client's interfaces of the same names these have no
// string index signature, so a string that is not a generated document is not
// typed by accident.

/** Generated query documents: `{ [source]: { variables; return } }`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AdminQueries {}

/** Generated mutation documents: `{ [source]: { variables; return } }`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AdminMutations {}

export type AdminOperations = AdminQueries & AdminMutations;

/** Any generated document's source text. */
export type AdminDocument = keyof AdminOperations;

/** Variables of a generated document. */
export type AdminVariables<D extends AdminDocument> = AdminOperations[D]["variables"];

/** The `data` a generated document returns. */
export type AdminResult<D extends AdminDocument> = AdminOperations[D]["return"];
