import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { buildKeyring, decryptWith, keyIdOf } from "@/server/crypto";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { createTestDatabase } from "@/test/database";
import { TS_ENTRY_FLAGS } from "@/scripts/processes";
import { childEnv, setTestEnv } from "@/test/env";
import { allCommands } from "./commands";
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
    expect(unknownFlag.stderr).toMatch(/^error: --colour: no such flag for tenant:list$/m);
    expect(unknownFlag.stderr).toContain("usage: npm run cli -- tenant:list");
    const unknownCommand = await cli("tenant:explode");
    expect(unknownCommand.exitCode).toBe(2);
    expect(unknownCommand.stderr).toMatch(/^error: unknown command 'tenant:explode'$/m);
    expect(unknownCommand.stderr).toContain("commands:");
    expect((await cli()).exitCode).toBe(2);
    const noValue = await cli("tenant:add", "--name", "X", "--shop", "--json");
    expect(noValue.exitCode).toBe(2);
    expect(noValue.stderr).toMatch(/^error: --shop: needs a value \(S\)$/m);
    const twice = await cli("tenant:add", "--name", "X", "--name", "Y", "--shop", `x-${stamp}.myshopify.com`);
    expect(twice.stderr).toMatch(/^error: --name: given twice$/m);
    const stray = await cli("tenant:list", "everything");
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toMatch(/unexpected argument 'everything'/);
    const badKey = await cli("tenant:add", "--name", "X", "--shop", `x-${stamp}.myshopify.com`, "--vintrace-url", "https://oz50.vintrace.net/x", "--vintrace-key", " ", "--customer", "C", "--price-list", "P");
    expect(badKey.exitCode).toBe(2);
    expect(badKey.stderr).toBe("error: --vintrace-key: Enter the vintrace API key.\n");
    expect(await db.tenant.count()).toBe(before);
  });

  it("lists every command and each of its flags on one line, with --help on its own or after a command (exit 0)", async () => {
    const help = await cli("--help");
    expect(help.exitCode).toBe(0);
    expect(help.stderr).toBe("");
    for (const command of allCommands) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.name}  `, "m"));
      const own = await cli(command.name, "--help");
      expect(own.exitCode, command.name).toBe(0);
      expect(own.stdout).toContain(`usage: npm run cli -- ${command.name}`);
      for (const flag of [...Object.keys(command.flags), "json"]) {
        const lines = own.stdout.split("\n").filter((line) => new RegExp(`^\\s+(-h, )?--${flag}(\\s|$)`).test(line));
        expect(lines, `${command.name} --${flag}`).toHaveLength(1);
        expect(lines[0].trim().length).toBeGreaterThan(`--${flag}`.length + 5);
      }
      expect(own.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
    }
    expect((await cli("tenant:set", "-h")).stdout).toMatch(/^ {2}--start-date YYYY-MM-DD +sync orders created after/m);
    expect((await cli("-h")).exitCode).toBe(0);
  });

  it("keeps the older spellings of switches working (--pause true, --resume=false, --json=true)", async () => {
    const shop = `spell-${stamp}.myshopify.com`;
    expect((await cli("tenant:add", "--name", "Spelling", "--shop", shop)).exitCode).toBe(0);
    const paused = await cli("tenant:set", "--shop", shop, "--pause", "true", "--resume=false", "--json=true");
    expect(paused.exitCode, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ status: "PAUSED" });
    const bad = await cli("tenant:set", "--shop", shop, "--resume=maybe");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: --resume: takes no value$/m);
  });

  it("gives every shop no winery has the same refusal, exit code 2", async () => {
    const ghost = `ghost-${stamp}.myshopify.com`;
    const refusal = `error: --shop: no winery has the shop ${ghost}\n`;
    for (const argv of [
      ["tenant:set", "--shop", ghost, "--pause"],
      ["orders:status", "--shop", ghost],
      ["orders:retry", "--shop", ghost, "--names", "#1001"],
      ["orders:reconcile", "--shop", ghost],
      ["alerts:test", "--shop", ghost],
      ["user:add", "--email", `ghost-${stamp}@x.test`, "--password", "long-enough-pw", "--role", "merchant", "--shop", ghost],
    ]) {
      const res = await cli(...argv);
      expect(res.exitCode, argv[0]).toBe(2);
      expect(res.stderr, argv[0]).toBe(refusal);
    }
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

  it("as a process: takes a piped password, and exits 0 for --help and 2 for an unknown command", async () => {
    const run = (args: string[], input = "") =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [...TS_ENTRY_FLAGS, "scripts/cli.ts", ...args], { env: childEnv() });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
      });
    const email = `process-${stamp}@winehub.test`;
    const [added, help, unknown] = await Promise.all([
      run(["user:add", "--email", email, "--role", "support", "--json"], "through-a-pipe-1\n"),
      run(["--help"]),
      run(["tenant:explode"]),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ email, role: "SUPPORT" });
    expect(await verifyPassword((await db.user.findUniqueOrThrow({ where: { email } })).passwordHash, "through-a-pipe-1")).toBe(true);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("tenant:set");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'tenant:explode'/);
  }, 120_000);

  it("reads the password from standard input when --password is left out, and never prints it", async () => {
    const withStdin = (text: string) => ({ stdin: Readable.from([text]), prompt: new PassThrough() });
    const email = `piped-${stamp}@winehub.test`;
    const added = await runCli(["user:add", "--email", email, "--role", "support"], async () => db, "test", withStdin("piped-password-1\nignored second line\n"));
    expect(added.exitCode, added.stderr).toBe(0);
    expect(added.stdout + added.stderr).not.toContain("piped-password-1");
    const user = await db.user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(user.passwordHash, "piped-password-1")).toBe(true);

    const short = await runCli(["user:add", "--email", `short-${stamp}@winehub.test`, "--role", "support"], async () => db, "test", withStdin("short"));
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toBe("error: --password: must be at least 10 characters\n");
    const none = await runCli(["user:add", "--email", `none-${stamp}@winehub.test`, "--role", "support"], async () => db, "test", withStdin(""));
    expect(none.stderr).toBe("error: --password: must be at least 10 characters\n");
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
