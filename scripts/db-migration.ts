// Creates a new migration from the difference between the last committed schema and prisma/schema.prisma.
// `prisma migrate dev` cannot be used here: in the JS-engine mode its shadow database is dropped while in use.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name_in_snake_case>");
  process.exit(2);
}

function committedSchema(): string | null {
  try {
    return execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  }
}

const previous = committedSchema();
const from = previous === null ? ["--from-empty"] : (() => {
  const dir = mkdtempSync(path.join(tmpdir(), "schema-"));
  const file = path.join(dir, "schema.prisma");
  writeFileSync(file, previous);
  return ["--from-schema-datamodel", file];
})();

const sql = execFileSync(
  "prisma",
  ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8" },
);
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log("The schema has not changed since the last commit: no migration created.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Created ${dir}/migration.sql`);
