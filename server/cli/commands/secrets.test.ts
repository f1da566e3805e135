import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import { buildKeyring, decryptWith, encryptWith, keyIdOf, type EncryptedColumn, type Keyring } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { Prisma } from "@/server/generated/prisma/client";
import { setTestEnv } from "@/test/env";
import { legacyEncrypt } from "@/test/legacy-secrets";

const db = createPrisma();
const stamp = Date.now().toString(36);
const originalKey = getEnv().ENCRYPTION_KEY;
let restoreEnv = () => {};
const seeded: string[] = [];
// Each test's wineries go with it: their secrets may be under a key the next test does not hold.
afterEach(async () => {
  await db.tenant.deleteMany({ where: { id: { in: seeded.splice(0) } } });
  restoreEnv();
});
afterAll(() => db.$disconnect());

/** Every encrypted column in the schema (a field whose name ends in "Enc"), read from the generated client's metadata. */
function encryptedColumnsInSchema(): EncryptedColumn[] {
  const namespace = Prisma as unknown as Record<string, Record<string, string> | undefined>;
  return Object.values(Prisma.ModelName).flatMap((model) =>
    Object.keys(namespace[`${model}ScalarFieldEnum`] ?? {})
      .filter((field) => field.endsWith("Enc"))
      .map((field) => `${model}.${field}` as EncryptedColumn),
  );
}

interface StoredSecret {
  tenantId: string;
  ciphertext: string;
}

/** The non-empty values of one encrypted column, read through the client's delegate for its model. */
async function storedSecrets(column: EncryptedColumn): Promise<StoredSecret[]> {
  const [model, field] = column.split(".");
  const delegate = (db as unknown as Record<string, { findMany(): Promise<Record<string, unknown>[]> }>)[model[0].toLowerCase() + model.slice(1)];
  const rows = await delegate.findMany();
  return rows.flatMap((row) => (typeof row[field] === "string" ? [{ tenantId: row.tenantId as string, ciphertext: row[field] as string }] : []));
}

const plaintextOf = (tenantId: string, column: EncryptedColumn) => `${column} of ${tenantId}`;

/** One winery with a secret in every encrypted column: legacy ciphertexts, or current ones, under `ring`. */
async function seedTenant(label: string, ring: Keyring, encrypt: "legacy" | "current"): Promise<string> {
  const tenantId = `secrets-${label}-${stamp}`;
  seeded.push(tenantId);
  const secret = (column: EncryptedColumn) =>
    encrypt === "legacy" ? legacyEncrypt(ring, plaintextOf(tenantId, column)) : encryptWith(ring, plaintextOf(tenantId, column), { tenantId, column });
  await db.tenant.create({
    data: {
      id: tenantId,
      name: `Secrets ${label}`,
      shopDomain: `${tenantId}.myshopify.com`,
      shopify: {
        create: {
          accessTokenEnc: secret("ShopifyConnection.accessTokenEnc"),
          refreshTokenEnc: secret("ShopifyConnection.refreshTokenEnc"),
          webhookSecretEnc: secret("ShopifyConnection.webhookSecretEnc"),
        },
      },
      vintrace: {
        create: { baseUrl: "https://oz50.vintrace.net/x", apiKeyEnc: secret("VintraceSettings.apiKeyEnc"), customerName: "C", salesPriceList: "P" },
      },
      alertWebhooks: { create: { label: "Chat", urlEnc: secret("AlertWebhook.urlEnc"), urlHint: "https://chat.example.com" } },
    },
  });
  return tenantId;
}

describe("secrets:reencrypt", () => {
  it("moves every encrypted column in the schema to the new key and the bound format", async () => {
    const oldKey = originalKey;
    const oldRing = buildKeyring(oldKey);
    await seedTenant("legacy", oldRing, "legacy");
    await seedTenant("current", oldRing, "current");
    const columns = encryptedColumnsInSchema();
    expect(columns).toContain("AlertWebhook.urlEnc");
    for (const column of columns) {
      expect((await storedSecrets(column)).length, `this test must seed a secret in ${column}`).toBeGreaterThanOrEqual(2);
    }

    const newKey = randomBytes(32).toString("base64");
    restoreEnv = setTestEnv({ ENCRYPTION_KEY: newKey, ENCRYPTION_OLD_KEYS: `${keyIdOf(Buffer.from(oldKey, "base64"))}:${oldKey}` });
    const res = await runCli(["secrets:reencrypt", "--json"], async () => db);
    expect(res.exitCode).toBe(0);

    const newOnly = buildKeyring(newKey);
    let total = 0;
    for (const column of columns) {
      for (const { tenantId, ciphertext } of await storedSecrets(column)) {
        expect(ciphertext.startsWith(`v2.${newOnly.activeKid}.`), `${column} of ${tenantId} is under the new key`).toBe(true);
        expect(decryptWith(newOnly, ciphertext, { tenantId, column })).toBe(plaintextOf(tenantId, column));
        total++;
      }
    }
    expect(JSON.parse(res.stdout).moved).toBe(total);
    expect(JSON.parse((await runCli(["secrets:reencrypt", "--json"], async () => db)).stdout).moved).toBe(0);
  });

  it("upgrades legacy ciphertexts under the active key, binding each to its winery and column", async () => {
    const tenantId = await seedTenant("upgrade", buildKeyring(originalKey), "legacy");
    const before = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId } });
    expect(before.apiKeyEnc.startsWith("v1.")).toBe(true);

    const res = await runCli(["secrets:reencrypt", "--json"], async () => db);
    expect(res.exitCode).toBe(0);
    const after = await db.vintraceSettings.findUniqueOrThrow({ where: { tenantId } });
    const ring = buildKeyring(originalKey);
    expect(after.apiKeyEnc.startsWith(`v2.${ring.activeKid}.`)).toBe(true);
    expect(decryptWith(ring, after.apiKeyEnc, { tenantId, column: "VintraceSettings.apiKeyEnc" })).toBe(plaintextOf(tenantId, "VintraceSettings.apiKeyEnc"));
    expect(() => decryptWith(ring, after.apiKeyEnc, { tenantId: "another-winery", column: "VintraceSettings.apiKeyEnc" })).toThrow(/integrity check/);
  });
});
