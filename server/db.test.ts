// queryRows sends a statement straight to the client's pool: it must read rows as $queryRaw does for the columns it
// is meant for, stay inside a transaction when handed one, and keep working after the client disconnects.
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma, queryRows } from "@/server/db";
import { Prisma } from "@/server/generated/prisma/client";

const db = createPrisma();
afterAll(() => db.$disconnect());

const sample = (name: string | null) => Prisma.sql`SELECT ${name}::text AS "name", (${name}::text IS NULL) AS "missing", length(${name}::text)::int AS "length"`;

describe("queryRows", () => {
  it("reads text, boolean and int columns as $queryRaw does, with the values bound, never spliced", async () => {
    for (const name of ["Hilltop's Shiraz", null, "'; DROP TABLE \"Tenant\"; --"]) {
      expect(await queryRows(db, sample(name))).toEqual(await db.$queryRaw(sample(name)));
    }
  });

  it("runs inside the transaction it is handed, which sees its own uncommitted work", async () => {
    const now = Prisma.sql`SELECT txid_current()::text AS "tx"`;
    await db.$transaction(async (tx) => {
      const [inside] = await queryRows<{ tx: string }>(tx, now);
      const [again] = await tx.$queryRaw<{ tx: string }[]>(now);
      expect(inside.tx).toBe(again.tx);
    });
    const [outside] = await queryRows<{ tx: string }>(db, now);
    const [other] = await queryRows<{ tx: string }>(db, now);
    expect(outside.tx).not.toBe(other.tx);
  });

  it("prepares the statement once per connection under a name, so the database does not plan it again", async () => {
    const prepared = Prisma.sql`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE ${"%pg_prepared_statements%"}::text`;
    await queryRows(db, prepared);
    const rows = await queryRows<{ name: string; statement: string }>(db, prepared);
    expect(rows).toEqual([expect.objectContaining({ name: expect.stringMatching(/^vs_[0-9a-f]{24}$/) })]);
  });

  it("still answers after the client disconnects and Prisma connects again", async () => {
    const client = createPrisma();
    expect(await queryRows(client, sample("before"))).toEqual([{ name: "before", missing: false, length: 6 }]);
    await client.$disconnect();
    expect(await queryRows(client, sample("after"))).toEqual([{ name: "after", missing: false, length: 5 }]);
    await client.$disconnect();
  });
});
