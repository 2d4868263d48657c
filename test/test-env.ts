// Test database and queue names, derived from the dev settings so a test run
// never touches development data.
import { databaseUrl } from "../app/db-url";

export function testDatabaseUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const url = new URL(databaseUrl());
  url.pathname = `${url.pathname.replace(/_test$/, "")}_test`;
  return url.toString();
}

export const TEST_ENV = {
  NODE_ENV: "test" as const,
  DATABASE_URL: testDatabaseUrl(),
};
