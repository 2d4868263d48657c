// ESLint 9 flat config: typescript-eslint's recommended rules (no type
// information, so it stays fast), React hooks rules for .tsx, and the layering
// of app/ (docs/architecture.md; imports only point down):
//
//   routes/, jobs/processors/, entry points        top
//   models/, shopify/, webhooks/, jobs/queue        middle
//   domain/                                         bottom, pure
//   env.server, db-url, db.server, db-pool.server   infrastructure (under models/)
//
// Each folder's boundary is one `no-restricted-imports` list. ESLint replaces
// (does not merge) a rule's options when several config objects match a file,
// so every folder's list is built below from the shared pieces.
import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

// A relative import that reaches `dir/` anywhere on its path: "../models/x",
// "../../app/jobs/queue.server", "./shopify/gid".
const into = (dirs) => `^\\.{1,2}/(.*/)?(${dirs.join("|")})(/|$)`;
// A relative import of one of app/'s top-level modules: "../db.server", "./env.server.ts".
const file = (names) => `^\\.{1,2}/(.*/)?(${names.map((n) => n.replaceAll(".", "\\.")).join("|")})(\\.tsx?)?$`;

const DB = {
  regex: file(["db.server", "db-pool.server"]),
  message: "Only app/models/ (and entry points' shutdown code) use the database clients: call a model function.",
};
const PROCESSORS = {
  regex: into(["jobs/processors"]),
  message: "Job processors are top-level handlers: only app/jobs/processors.server.ts registers them. Move shared code down a layer.",
};
const ROUTES = {
  regex: into(["routes"]),
  message: "Nothing imports a Remix route: move shared code to app/models, app/shopify, app/webhooks or app/domain.",
};
const TEST_CODE = {
  regex: "^(\\.\\./)+(test|bench|scripts)/",
  message: "Application code never imports test, bench or script code.",
};
// The one queue module (app/queue.server.ts; app/jobs/queue.server.ts before
// it moved) and the job code beside it are the only users of BullMQ and Redis.
const QUEUE_MODULE_FILES = ["app/queue.server.ts", "app/jobs/**"];
const QUEUE_LIBS = {
  group: ["bullmq", "bullmq/*", "ioredis", "ioredis/*"],
  message: "BullMQ and Redis are used by the queue module (queue.server.ts) and app/jobs/ only: enqueue through the queue module.",
};
const QUEUE_MODULE = {
  regex: file(["queue.server"]),
  message: "This layer never enqueues: the caller (route, processor, webhook receipt) does, through the queue module.",
};
const PRISMA_PG = {
  group: ["@prisma/*", "prisma", "prisma/*", "pg", "pg/*"],
  message: "SQL lives in app/models/.",
};
// `import { env } from "node:process"` is process.env by another name.
const PROCESS_ENV_IMPORTS = [
  { name: "node:process", importNames: ["env"], message: "Read settings from app/env.server.ts (`env`)." },
  { name: "process", importNames: ["env"], message: "Read settings from app/env.server.ts (`env`)." },
];

const restrict = (...patterns) => ["error", { paths: PROCESS_ENV_IMPORTS, patterns }];

// What every application module outside the named exceptions obeys.
const APP = [DB, PROCESSORS, ROUTES, TEST_CODE, QUEUE_LIBS];

const DOMAIN = [
  DB,
  TEST_CODE,
  QUEUE_LIBS,
  {
    group: ["@prisma/*", "prisma", "prisma/*", "pg", "pg/*", "@shopify/*", "fs", "fs/*", "node:fs", "node:fs/*"],
    message: "app/domain/ is pure: no database, queue, Shopify or file-system libraries.",
  },
  {
    regex: into(["models", "shopify", "jobs", "routes", "webhooks"]),
    message: "app/domain/ is the bottom layer: it imports nothing from models, shopify, jobs, routes or webhooks.",
  },
  {
    regex: file(["db-url", "env.server", "shopify.server", "queue.server"]),
    message: "app/domain/ is pure: no environment, queue or Shopify config modules; take settings as arguments.",
  },
];

// The infrastructure modules below app/models/: env, database URL, the
// Prisma client and the pg pool. They may use each other, nothing above them.
const INFRASTRUCTURE = ["app/env.server.ts", "app/db-url.ts", "app/db.server.ts", "app/db-pool.server.ts"];
const INFRA = [
  TEST_CODE,
  QUEUE_LIBS,
  {
    regex: into(["models", "shopify", "jobs", "routes", "webhooks", "domain"]),
    message: "The infrastructure modules (env, database clients) import nothing from the app's layers.",
  },
  { regex: file(["shopify.server", "queue.server"]), message: "The infrastructure modules import nothing from the app's layers." },
];

const MODELS = [
  TEST_CODE,
  QUEUE_LIBS,
  QUEUE_MODULE,
  {
    regex: into(["jobs", "shopify", "webhooks", "routes"]),
    message: "app/models/ only reads and writes the database: it must not import jobs (enqueue from the caller), shopify, webhooks or routes.",
  },
  {
    regex: file(["shopify.server"]),
    message: "app/models/ must not import the Shopify app config.",
  },
];

const SHOPIFY = [
  DB,
  ROUTES,
  TEST_CODE,
  QUEUE_LIBS,
  QUEUE_MODULE,
  PRISMA_PG,
  {
    regex: into(["models", "jobs"]),
    message: "app/shopify/ is the Admin API gateway: it returns plain results and never touches the database or the queue.",
  },
];

// The queue module and the rest of app/jobs/.
const JOBS = APP.filter((p) => p !== QUEUE_LIBS);

const PROCESSOR = [
  ...JOBS.filter((p) => p !== PROCESSORS),
  {
    regex: "^\\./|^\\.\\./processors(/|$)",
    message: "A processor never imports another processor: move the shared code to app/models, app/shopify or app/domain.",
  },
  { ...PRISMA_PG, allowTypeImports: true },
];

const ROUTE = [DB, PROCESSORS, TEST_CODE, QUEUE_LIBS, { ...PRISMA_PG, allowTypeImports: true }];

// Entry points may import the database clients (to disconnect on shutdown)
// and the processors (to register them).
const ENTRY_POINTS = [
  "app/jobs/worker.server.ts",
  "app/jobs/processors.server.ts",
  "app/entry.server.tsx",
  "app/root.tsx",
  "app/cli/**",
];

const LAYERED = ["app/domain/**", "app/models/**", "app/shopify/**", ...QUEUE_MODULE_FILES, "app/routes/**"];
const TESTS = ["app/**/*.test.ts"];

// The boundary for one group of files: its code, then its test files.
function layer(files, patterns, ignores = []) {
  return [
    { files, ignores: [...ignores, ...TESTS], rules: { "no-restricted-imports": restrict(...patterns) } },
    {
      files: files.map((f) => f.replace(/\/\*\*$/, "/**/*.test.ts").replace(/\*\.\{ts,tsx\}$/, "*.test.ts")).filter((f) => f.endsWith(".test.ts")),
      ignores,
      rules: { "no-restricted-imports": restrict(...patterns.filter((p) => p !== TEST_CODE)) },
    },
  ].filter((c) => c.files.length > 0);
}

const processEnv = {
  "no-restricted-properties": [
    "error",
    { object: "process", property: "env", message: "Only app/env.server.ts and app/db-url.ts read process.env: import `env` from app/env.server.ts." },
  ],
  "no-restricted-syntax": [
    "error",
    {
      selector: "MemberExpression[property.name='env'][object.type='MemberExpression'][object.property.name='process']",
      message: "Only app/env.server.ts and app/db-url.ts read process.env: import `env` from app/env.server.ts.",
    },
  ],
};

export default defineConfig(
  {
    ignores: [
      "build/**",
      "public/build/**",
      "node_modules/**",
      ".cache/**",
      "coverage/**",
      "tmp/**",
      ".bench/**",
      "extensions/**/dist/**",
      // Generated: GraphQL codegen output (npm run graphql:codegen).
      "app/types/admin.*.d.ts",
      "**/*.generated.*",
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: { globals: { ...globals.node } },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Unused parameters and `_`-prefixed names are part of interfaces; unused locals are not.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { args: "none", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // A `let` that a closure reads before its one assignment cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Test doubles (the Shopify simulator above all) and benchmarks handle
    // untyped JSON on purpose.
    files: ["test/**", "bench/**", "scripts/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.tsx"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },

  // Layering of app/. A folder's test files obey its rules too, except that
  // they may import test helpers (test/support/) and read process.env.
  ...layer(["app/**/*.{ts,tsx}"], APP, [...ENTRY_POINTS, ...INFRASTRUCTURE, ...LAYERED]),
  ...layer(ENTRY_POINTS, [ROUTES, TEST_CODE]),
  ...layer(INFRASTRUCTURE, INFRA),
  ...layer(["app/domain/**"], DOMAIN),
  ...layer(["app/models/**"], MODELS),
  ...layer(["app/shopify/**"], SHOPIFY),
  ...layer(QUEUE_MODULE_FILES, JOBS, [...ENTRY_POINTS, "app/jobs/processors/**"]),
  ...layer(["app/jobs/processors/**"], PROCESSOR),
  ...layer(["app/routes/**"], ROUTE),
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/env.server.ts", "app/db-url.ts", "app/**/*.test.ts"],
    rules: processEnv,
  },
);
