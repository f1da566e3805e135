import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// Must never throw while loading: if it does, the Prisma CLI silently falls back to the native engine and
// tries to download it (no internet here). Hence the default URL.
// The schema's env("DATABASE_URL") must resolve too, or schema reading fails the same way.
const url = (process.env.DATABASE_URL ||= "postgresql://postgres@127.0.0.1:5432/postgres");

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    return new PrismaPg({ connectionString: url });
  },
});
