// Prisma 6.19 without downloadable engines: the bundled WebAssembly schema
// engine runs migrations through the pg driver adapter (ADR 0002).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "./app/db-url";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaPg({ connectionString: databaseUrl() });
  },
});
