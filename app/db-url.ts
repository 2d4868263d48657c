// The one place that resolves the database URL, and the only module besides
// app/env.server.ts that reads process.env. The env module takes its default
// from here; prisma.config.ts, scripts/prisma.ts and test/test-env.ts call
// databaseUrl() because they run outside the app (Prisma CLI, setup script,
// test setup) and need only the URL, without booting the env validation.
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/rfm_dev";

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}
