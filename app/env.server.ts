// Environment, validated once at boot. Every other app module reads `env` from
// here. The one other reader of process.env is app/db-url.ts (DATABASE_URL
// only): prisma.config.ts, scripts/prisma.ts and test/test-env.ts run outside
// the app and need the database URL without booting this validation.
import { z } from "zod";
import { DEFAULT_DATABASE_URL } from "./db-url";
import { parseTokenKeys } from "./token-cipher.server";

const LOCAL_API_KEY = "rfm-churn-local-client-id";
const LOCAL_API_SECRET = "local-dev-secret";
/** Development and tests only (refused in production): a fixed, public key. */
const LOCAL_TOKEN_KEYS = `local:${Buffer.alloc(32, 7).toString("base64")}`;

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
    REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
    SHOPIFY_API_KEY: z.string().min(1).default(LOCAL_API_KEY),
    SHOPIFY_API_SECRET: z.string().min(1).default(LOCAL_API_SECRET),
    SHOPIFY_APP_URL: z.string().url().default("http://127.0.0.1:3000"),
    SCOPES: z.string().default("read_customers,write_customers,read_orders,read_all_orders,read_products"),
    /**
     * The one explicit setting that points all outbound Shopify traffic (web
     * and worker) at the local simulator instead of https://{shop}.
     */
    SHOPIFY_SIMULATOR_URL: z.string().url().optional(),
    /** Prefix for BullMQ keys so parallel test runs never share queues. */
    QUEUE_PREFIX: z.string().default("rfm"),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(4),
    /** How long a crashed worker's job stays locked before another worker takes it over. */
    WORKER_LOCK_MS: z.coerce.number().int().positive().default(30_000),
    /** An Admin API request with no answer after this long is abandoned and retried (docs/faults.md). */
    SHOPIFY_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /** pino level (docs/operations.md); default "info", "warn" under NODE_ENV=test so passing tests stay quiet. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
    /** When set, GET /metrics (web and worker) needs `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
    /** The worker's /healthz, /readyz and /metrics listen here; 0 (the default) starts no server. */
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    WORKER_HEALTH_HOST: z.string().min(1).default("0.0.0.0"),
    /** Retention (docs/operations.md, "Retention"): days kept, enforced daily by the enforce-retention job. */
    RETENTION_WEBHOOK_EVENT_DAYS: z.coerce.number().int().positive().default(30),
    RETENTION_DATA_REQUEST_DAYS: z.coerce.number().int().positive().default(90),
    RETENTION_JOB_RUN_DAYS: z.coerce.number().int().positive().default(30),
    /** An uninstalled shop whose shop/redact never arrived (Shopify sends it 48 hours after uninstall) is removed after this. */
    RETENTION_UNINSTALLED_SHOP_DAYS: z.coerce.number().int().positive().default(30),
    /**
     * Keys for access and refresh tokens at rest: "id:base64(32 bytes)[,id2:…]", the first
     * encrypts, all decrypt (app/token-cipher.server.ts). Generate one with
     * `node -e "console.log('k1:' + require('crypto').randomBytes(32).toString('base64'))"`.
     */
    TOKEN_ENCRYPTION_KEYS: z
      .string()
      .default(LOCAL_TOKEN_KEYS)
      .superRefine((spec, ctx) => {
        try {
          parseTokenKeys(spec);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: (e as Error).message });
        }
      }),
  })
  .superRefine((value, ctx) => {
    if (value.NODE_ENV === "production" && value.SHOPIFY_API_SECRET === LOCAL_API_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SHOPIFY_API_SECRET"], message: "must be set in production" });
    }
    if (value.NODE_ENV === "production" && value.TOKEN_ENCRYPTION_KEYS === LOCAL_TOKEN_KEYS) {
      ctx.addIssue({ code: "custom", path: ["TOKEN_ENCRYPTION_KEYS"], message: "must be set in production" });
    }
  })
  .transform((value) => ({ ...value, LOG_LEVEL: value.LOG_LEVEL ?? (value.NODE_ENV === "test" ? "warn" : "info") }));

export type Env = z.output<typeof schema>;

function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);
