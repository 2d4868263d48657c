// The typed Admin API layer stays in step with its inputs: the committed SDL
// is the simulator's schema, the committed generated types are what
// `npm run graphql:codegen` writes for today's `#graphql` documents, and the
// bulk export queries (plain strings, run by Shopify) are valid against it.
import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import graphqlConfig from "../../.graphqlrc";
import { CUSTOMERS_BULK_QUERY, ORDERS_BULK_QUERY } from "../../app/shopify/bulk-export.server";
import { ADMIN_SCHEMA_FILE, adminSchemaFileText } from "../../scripts/write-admin-schema";
import { adminSchema } from "../simulator/graphql/schema";

describe("typed Admin API documents", () => {
  it("the committed schema is the simulator's SDL (else: npm run graphql:schema && npm run graphql:codegen)", () => {
    expect(readFileSync(ADMIN_SCHEMA_FILE, "utf8")).toBe(adminSchemaFileText());
  });

  it("the committed generated types are up to date (else: npm run graphql:codegen)", async () => {
    const { schema, documents, extensions } = graphqlConfig;
    // (Codegen's pluckConfig type lacks the hooks Shopify's pluckConfig adds; graphql-tag-pluck takes them.)
    const config = { schema, documents, ...extensions.codegen, silent: true, cwd: process.cwd() } as Parameters<typeof generate>[0];
    const outputs: { filename: string; content: string }[] = await generate(config, false);
    expect(outputs.map((o) => o.filename).sort()).toEqual(["app/types/admin.generated.d.ts", "app/types/admin.types.d.ts"]);
    for (const output of outputs) expect(readFileSync(output.filename, "utf8"), output.filename).toBe(output.content);
  }, 60_000);

  it("the bulk export queries are valid Admin API queries", () => {
    for (const query of [ORDERS_BULK_QUERY, CUSTOMERS_BULK_QUERY]) {
      expect(validate(adminSchema(), parse(query)).map((e) => e.message)).toEqual([]);
    }
  });
});
