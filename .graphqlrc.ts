// GraphQL codegen for the Admin API documents in app/shopify/ (`#graphql`
// tagged template literals), with Shopify's preset (@shopify/api-codegen-preset).
//
//   npm run graphql:schema    re-export the schema from the simulator's SDL
//   npm run graphql:codegen   regenerate app/types/admin.{types,generated}.d.ts
//
// This is what the preset's `shopifyApiTypes({ apiType: ApiType.Admin,
// apiVersion: "2026-01", outputDir: "app/types" })` generates, written out
// because that helper reads its schema from shopify.dev (or a cached
// introspection JSON), and here the schema is a committed SDL file: the subset
// of Admin API 2026-01 that the local Shopify simulator serves.
//
// The generated operation map augments app/shopify/admin-operations.ts (the
// preset's `module` option) instead of @shopify/admin-api-client, whose
// AdminQueries/AdminMutations carry a `[key: string]: any` index signature
// that would let any string through as "typed".
import { ApiType, pluckConfig, preset } from "@shopify/api-codegen-preset";

export const ADMIN_API_VERSION = "2026-01"; // = ApiVersion.January26 in app/shopify.server.ts

const schema = `app/types/admin-${ADMIN_API_VERSION}.schema.graphql`;
const documents = ["app/shopify/**/*.ts", "!app/shopify/**/*.d.ts"];

export default {
  schema,
  documents,
  extensions: {
    codegen: {
      // Recognises `#graphql` inside a template literal (and `/* GraphQL */` before one).
      pluckConfig,
      generates: {
        "app/types/admin.types.d.ts": {
          plugins: ["typescript"],
          // enumsAsTypes: enums as string unions. A TypeScript `enum` in a .d.ts
          // has no runtime value, and string unions compare with the literals
          // Shopify returns ("COMPLETED") without casts.
          config: { defaultScalarType: "string", scalars: { JSON: "unknown" }, enumsAsTypes: true },
        },
        "app/types/admin.generated.d.ts": {
          preset,
          presetConfig: { apiType: ApiType.Admin, module: "../shopify/admin-operations" },
        },
      },
    },
  },
};
