import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Prisma } from "@/server/generated/prisma/client";
import { COLUMN_TYPES } from "@/server/sync/queue";

// The engine's raw UPDATE casts each value to a column type it keeps by hand; this holds that list to the schema,
// so a column renamed or retyped in a migration fails here rather than in the worker.

const schema = readFileSync(path.join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
const enums = new Set([...schema.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));

/** The model's scalar fields and their Prisma types ("DateTime?", "String[]"), read from its block in the schema. */
function modelFields(model: string): Map<string, string> {
  const block = schema.match(new RegExp(`^model ${model} \\{\\n([\\s\\S]*?)^\\}`, "m"))?.[1] ?? "";
  const fields = new Map<string, string>();
  for (const line of block.split("\n")) {
    const field = line.trim().match(/^(\w+)\s+(\w+(?:\[\])?\??)/);
    if (field) fields.set(field[1], field[2]);
  }
  return fields;
}

/** The SQL type PostgreSQL gives a Prisma scalar with no @db attribute (the schema uses none on these columns). */
function sqlType(prismaType: string): string {
  const list = prismaType.endsWith("[]");
  const base = prismaType.replace(/\[\]$/, "").replace(/\?$/, "");
  const scalar = enums.has(base)
    ? `"${base}"`
    : ({ String: "text", Int: "int", DateTime: "timestamp(3)", Json: "jsonb", Boolean: "boolean" } as Record<string, string>)[base];
  return list ? `${scalar}[]` : scalar;
}

describe("the sync engine's raw column types", () => {
  const fields = modelFields("OrderSync");

  it("name only OrderSync's scalar columns", () => {
    const scalars = Object.values(Prisma.OrderSyncScalarFieldEnum) as string[];
    for (const column of Object.keys(COLUMN_TYPES)) expect(scalars).toContain(column);
  });

  it("cast each column to the type the schema gives it", () => {
    const expected = Object.fromEntries(Object.keys(COLUMN_TYPES).map((column) => [column, sqlType(fields.get(column) ?? "missing")]));
    expect(COLUMN_TYPES).toEqual(expected);
  });
});
