// The one place that resolves the database URL, shared by the env module and
// prisma.config.ts (which runs outside the app and cannot import server code).
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/rfm_dev";

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}
