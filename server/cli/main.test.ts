import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { buildKeyring, decryptWith, keyIdOf } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { createTestDatabase } from "@/test/database";
import { setTestEnv } from "@/test/env";
import { runCli } from "./main";

const db = createPrisma();
const cli = (...argv: string[]) => runCli(argv, async () => db, "test");
const stamp = `${Date.now()}`;
afterAll(() => db.$disconnect());

describe("the operator CLI", () => {
  it("refuses bad arguments with a clear message and exit code 2, changing nothing", async () => {
    const before = await db.tenant.count();
    const missing = await cli("tenant:add", "--name", "No Shop");
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/--shop/);
    const badShop = await cli("tenant:add", "--name", "X", "--shop", "not a shop");
    expect(badShop.exitCode).toBe(2);
    expect(badShop.stderr).toMatch(/myshopify\.com/);
    const partial = await cli("tenant:add", "--name", "X", "--shop", `x-${stamp}.myshopify.com`, "--vintrace-url", "https://oz50.vintrace.net/x");
    expect(partial.exitCode).toBe(2);
    expect(partial.stderr).toMatch(/need all of/);
    const unknownFlag = await cli("tenant:list", "--colour", "red");
    expect(unknownFlag.exitCode).toBe(2);
    const unknownCommand = await cli("tenant:explode");
    expect(unknownCommand.exitCode).toBe(2);
    expect(unknownCommand.stderr).toMatch(/Unknown command/);
    expect(await db.tenant.count()).toBe(before);
  });

  it("adds a winery with encrypted settings, lists it as JSON, and refuses a second one on the same shop", async () => {
    const shop = `cli-${stamp}.myshopify.com`;
    const added = await cli(
      "tenant:add", "--name", "CLI Winery", "--shop", shop, "--shopify-token", "shpat_cli_token",
      "--vintrace-url", "https://oz50.vintrace.net/cliwinery/", "--vintrace-key", "vt-secret-key",
      "--customer", "Web Customer", "--price-list", "Retail", "--storage-area", "99", "--json",
    );
    expect(added.exitCode).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ shop, name: "CLI Winery" });
    const stored = await db.tenant.findUniqueOrThrow({ where: { shopDomain: shop }, include: { vintrace: true, shopify: true } });
    expect(stored.vintrace).toMatchObject({ baseUrl: "https://oz50.vintrace.net/cliwinery", customerName: "Web Customer", storageAreaId: 99 });
    expect(stored.vintrace?.apiKeyEnc).not.toContain("vt-secret-key");
    expect(stored.shopify?.accessTokenEnc).not.toContain("shpat_cli_token");

    const list = await cli("tenant:list", "--json");
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ shop, shopifyConnected: true, vintraceConfigured: true })]));
    expect(list.stdout).not.toContain("vt-secret-key");

    const again = await cli("tenant:add", "--name", "Twin", "--shop", shop);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already a winery/);
  });

  it("refuses a vintrace URL that is not a vintrace customer URL", async () => {
    const res = await cli(
      "tenant:add", "--name", "Evil", "--shop", `evil-${stamp}.myshopify.com`, "--vintrace-url", "http://169.254.169.254/latest",
      "--vintrace-key", "k", "--customer", "c", "--price-list", "p",
    );
    expect(res.exitCode).toBe(2);
    expect(await db.tenant.findUnique({ where: { shopDomain: `evil-${stamp}.myshopify.com` } })).toBeNull();
  });

  it("adds users: support, and a winery owner who must name an existing shop", async () => {
    expect((await cli("user:add", "--email", `sup-${stamp}@winehub.test`, "--password", "long-enough-pw", "--role", "support")).exitCode).toBe(0);
    const noShop = await cli("user:add", "--email", `m-${stamp}@x.test`, "--password", "long-enough-pw", "--role", "merchant");
    expect(noShop.exitCode).toBe(2);
    const badShop = await cli("user:add", "--email", `m-${stamp}@x.test`, "--password", "long-enough-pw", "--role", "merchant", "--shop", `ghost-${stamp}.myshopify.com`);
    expect(badShop.stderr).toMatch(/no winery/);
    const shop = `cli-${stamp}.myshopify.com`;
    const ok = await cli("user:add", "--email", `m-${stamp}@x.test`, "--password", "long-enough-pw", "--role", "merchant", "--shop", shop, "--json");
    expect(ok.exitCode).toBe(0);
    const user = await db.user.findUniqueOrThrow({ where: { email: `m-${stamp}@x.test` }, include: { memberships: true } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.memberships).toHaveLength(1);
    expect((await cli("user:add", "--email", `m-${stamp}@x.test`, "--password", "long-enough-pw", "--role", "support")).exitCode).toBe(2);
  });

  it("re-encrypts every secret with the active key after a rotation", async () => {
    // Its own database: rotating keys must not pull secrets from under tests running beside it.
    const own = await createTestDatabase("rotate");
    const rotateDb = createPrisma(own);
    const oldKey = getEnv().ENCRYPTION_KEY;
    const newKey = randomBytes(32).toString("base64");
    let restoreEnv = () => {};
    try {
      const seeded = await runCli(
        ["tenant:add", "--name", "Rotate", "--shop", `rotate-${stamp}.myshopify.com`, "--shopify-token", "shpat_rotate",
          "--webhook-secret", "whsec", "--vintrace-url", "https://oz50.vintrace.net/rot", "--vintrace-key", "vt-rot",
          "--customer", "C", "--price-list", "P"],
        async () => rotateDb,
      );
      expect(seeded.exitCode).toBe(0);
      restoreEnv = setTestEnv({ ENCRYPTION_KEY: newKey, ENCRYPTION_OLD_KEYS: `${keyIdOf(Buffer.from(oldKey, "base64"))}:${oldKey}` });
      const res = await runCli(["secrets:reencrypt", "--json"], async () => rotateDb);
      expect(res.exitCode).toBe(0);
      expect(JSON.parse(res.stdout).moved).toBe(3);
      const newOnly = buildKeyring(newKey);
      const settings = await rotateDb.vintraceSettings.findFirstOrThrow();
      const connection = await rotateDb.shopifyConnection.findFirstOrThrow();
      expect(decryptWith(newOnly, settings.apiKeyEnc, { tenantId: settings.tenantId, column: "VintraceSettings.apiKeyEnc" })).toBe("vt-rot");
      expect(decryptWith(newOnly, connection.accessTokenEnc!, { tenantId: connection.tenantId, column: "ShopifyConnection.accessTokenEnc" })).toBe("shpat_rotate");
      expect(decryptWith(newOnly, connection.webhookSecretEnc!, { tenantId: connection.tenantId, column: "ShopifyConnection.webhookSecretEnc" })).toBe("whsec");
      expect(JSON.parse((await runCli(["secrets:reencrypt", "--json"], async () => rotateDb)).stdout).moved).toBe(0);
    } finally {
      restoreEnv();
      await rotateDb.$disconnect();
      await own.drop();
    }
  });
});
