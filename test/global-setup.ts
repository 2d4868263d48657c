// Creates the test database if needed and applies the checked-in migrations,
// exactly as `npm run setup` does for the dev database.
import { ensureDatabase, runPrisma } from "../scripts/prisma";
import { testDatabaseUrl } from "./test-env";

export default async function setup(): Promise<void> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  runPrisma(["migrate", "deploy"], url);
}
