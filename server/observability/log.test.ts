// Known secrets go through every path that logs (a webhook, a sync, a failing mail, tRPC errors); the captured
// lines must carry the context and the facts, and none of the secrets.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { hashPassword } from "@/server/auth/password";
import { createPrisma } from "@/server/db";
import { createMailer } from "@/server/mail/mailer";
import { answerUnproxied } from "@/server/http/unproxied-route";
import { handleShopifyWebhook } from "@/server/shopify/webhooks/handle";
import { createSyncWorker } from "@/server/sync/worker";
import { webhookRequest } from "@/test/support/shopify";
import { captureLogs, type CapturedLogs } from "@/test/support/logs";
import { startSyncWorldForFile } from "@/test/support/sync";
import { TEST_TOKEN } from "@/test/support/vintrace";
import { logError, scrubText, withLogContext } from "./log";
import { requestIdFrom } from "./request-id";
import { logTrpcError } from "./trpc-errors";

const db = createPrisma();
const world = await startSyncWorldForFile(db);

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const lines = () => logs.lines();
const withMessage = (msg: string) => logs.withMessage(msg);
function expectAbsent(...secrets: string[]) {
  const all = logs.raw();
  for (const secret of secrets) expect(all, `the logs contain ${secret}`).not.toContain(secret);
}

describe("the request id", () => {
  it("keeps a short id of safe characters and replaces anything else", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "lb-7f3a.19:2" }))).toBe("lb-7f3a.19:2");
    for (const bad of ["has space", "a".repeat(65), "semi;colon", "<script>", "é-accent"]) {
      const made = requestIdFrom(new Headers({ "x-request-id": bad }));
      expect(made).not.toBe(bad);
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("lines", () => {
  it("are one JSON object each, with level, time and the context they were written in", () => {
    withLogContext({ requestId: "r-1", tenantId: "t-1" }, () => withLogContext({ syncId: "s-1" }, () => logError("it broke", new Error("boom"))));
    const [line] = lines();
    expect(line).toMatchObject({ level: "error", msg: "it broke", requestId: "r-1", tenantId: "t-1", syncId: "s-1" });
    expect(new Date(line.time).getTime()).not.toBeNaN();
    expect((line.err as { stack: string }).stack).toContain("Error: boom");
  });

  it("blank secrets in fields and in text", () => {
    expect(scrubText("smtp://mailer:Pa55word@mail.test:587 and Bearer abc.def and shpat_0123abcd and ?token=xyz")).toBe(
      "smtp://mailer:[redacted]@mail.test:587 and Bearer [redacted] and shpat_[redacted] and ?token=[redacted]",
    );
    logError("connect failed", new Error("could not reach smtp://mailer:Pa55word@mail.test"), {
      password: "hunter2-field",
      nested: { apiKey: "key-field-1" },
      request: { headers: { Authorization: "plain-header-value", "X-Shopify-Hmac-Sha256": "hmac-field-1" } },
      tenants: [{ shop: "a.myshopify.com", accessToken: "listed-token-1" }],
    });
    expectAbsent("Pa55word", "hunter2-field", "key-field-1", "plain-header-value", "hmac-field-1", "listed-token-1");
    // what is not a secret is still there
    expect(lines()[0]).toMatchObject({ tenants: [{ shop: "a.myshopify.com", accessToken: "[redacted]" }] });
  });
});

describe("every path that logs keeps its secrets out", () => {
  it("a webhook: topic, shop, status and time under the caller's request id; never the body, signature or a header secret", async () => {
    const tenant = await world.addTenant();
    const order = await world.shopify.sim.createOrder({ shop: tenant.shop });
    const payload = { ...(order.payload as object), note: "password=Body-Secret-Pass", note_attributes: [{ name: "api_key", value: "Body-Secret-Key" }] };
    const { request, signed } = webhookRequest(
      { shop: tenant.shop, topic: "orders/create", payload, webhookId: "wh-log-1" },
      { headers: { "x-request-id": "req-webhook-1", authorization: "Bearer Header-Secret-Token" } },
    );
    expect((await handleShopifyWebhook(request, { db, shopify: world.shopify.shopify })).status).toBe(200);
    const forged = webhookRequest({ shop: tenant.shop, topic: "orders/create", payload, webhookId: "wh-log-2" }, { headers: { "x-shopify-hmac-sha256": "Zm9yZ2VkLXNpZ25hdHVyZQ==" } });
    expect((await handleShopifyWebhook(forged.request, { db, shopify: world.shopify.shopify })).status).toBe(401);

    const [accepted, refused] = withMessage("webhook");
    expect(accepted).toMatchObject({ level: "info", topic: "orders/create", shop: tenant.shop, status: 200, outcome: "accepted", requestId: "req-webhook-1", webhookId: "wh-log-1" });
    expect(typeof accepted.ms).toBe("number");
    expect(refused).toMatchObject({ level: "warn", status: 401, outcome: "refused" });
    expect(refused.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expectAbsent("Body-Secret-Pass", "Body-Secret-Key", "Header-Secret-Token", signed.headers["X-Shopify-Hmac-Sha256"], "Zm9yZ2VkLXNpZ25hdHVyZQ==");
  });

  it("the webhook route, which skips the proxy: the id it logs under is the one its answer names, with the security headers", async () => {
    const tenant = await world.addTenant();
    const order = await world.shopify.sim.createOrder({ shop: tenant.shop });
    const { request } = webhookRequest({ shop: tenant.shop, topic: "orders/create", payload: order.payload, webhookId: "wh-log-3" });
    const response = await answerUnproxied(request, () => handleShopifyWebhook(request, { db, shopify: world.shopify.shopify }));
    expect(response.status).toBe(200);
    const [line] = withMessage("webhook");
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-request-id")).toBe(line.requestId);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("a sync whose vintrace answer echoes the API key: every step and the outcome, under the worker, winery and sync", async () => {
    const tenant = await world.addTenant();
    await tenant.simControl("faults", { faults: [{ match: "POST /sales-order", status: 500, body: { status: "Error", message: `key ${TEST_TOKEN} refused (Bearer ${TEST_TOKEN})` } }] });
    const order = await tenant.placeOrder();
    const worker = createSyncWorker({ deps: world.deps(), workerId: "log-test-worker", onlyTenants: [tenant.tenantId], pollMs: 50, listenUrl: null });
    await worker.start();
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await tenant.sync(order.gid)).tagState !== "CREATED") await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.stop();
    }
    const sync = await tenant.sync(order.gid);
    expect(sync.status).toBe("SYNCED");

    const steps = withMessage("sync step").filter((l) => l.syncId === sync.id);
    expect(steps.map((s) => `${String(s.step)}:${String(s.outcome)}`)).toEqual(expect.arrayContaining(["LOOKUP:not_found", "CREATE:failed", "CREATE:created", "TAG:ok"]));
    const failedCreate = steps.find((s) => s.step === "CREATE" && s.outcome === "failed");
    expect(failedCreate).toMatchObject({ level: "warn", tenantId: tenant.tenantId, workerId: "log-test-worker", errorClass: "TRANSIENT" });
    expect(withMessage("sync processed").filter((l) => l.syncId === sync.id).map((l) => l.result)).toEqual(["retry", "synced"]);
    expect(withMessage("vintrace call").some((l) => l.endpoint === "/sales-order" && l.status === 500)).toBe(true);
    expectAbsent(TEST_TOKEN, Buffer.from(`${TEST_TOKEN}:`).toString("base64"));
  });

  it("a mail that fails: recipient, subject and the error, never the SMTP password or the body", async () => {
    const mailer = createMailer({ smtpUrl: "smtp://mailer:Smtp-Known-Pa55@127.0.0.1:1", from: "x@test", log: () => {} });
    try {
      await expect(mailer.send({ to: "someone@winery.test", subject: "Reset your password", text: "https://app.test/reset/Link-Secret-Token", html: "<p>link</p>" })).rejects.toThrow();
    } finally {
      mailer.close();
    }
    const [failed] = withMessage("mail failed");
    expect(failed).toMatchObject({ level: "error", via: "smtp", to: "someone@winery.test", subject: "Reset your password" });
    expect(failed.err).toBeDefined();
    expectAbsent("Smtp-Known-Pa55", "Link-Secret-Token");
  });

  it("tRPC errors: the procedure and code, never the password that was the input", async () => {
    const account = await db.user.create({ data: { email: `log-${Date.now()}@winery.test`, passwordHash: await hashPassword("the-real-long-password") } });
    const user = { id: account.id, email: account.email, name: null, role: "MERCHANT" as const, tenantIds: [], ownerOf: [] };
    const input = { currentPassword: "Wrong-Known-Password-1", newPassword: "New-Known-Password-22" };
    const call = (contextDb: typeof db) =>
      fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request("http://app.test/api/trpc/account.changePassword", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(superjson.serialize(input)),
        }),
        router: appRouter,
        createContext: () => Promise.resolve({ db: contextDb, user }),
        onError: logTrpcError,
      });

    expect((await call(db)).status).toBe(400);
    expect(withMessage("trpc procedure refused")[0]).toMatchObject({ level: "info", procedure: "account.changePassword", code: "BAD_REQUEST", userId: user.id });

    // A database that does not answer: an unexpected error, logged with its stack under a reference.
    const broken = createPrisma({ url: "postgresql://app:Db-Known-Pa55@127.0.0.1:1/nothing", embedded: false });
    try {
      expect((await call(broken)).status).toBe(500);
    } finally {
      await broken.$disconnect();
    }
    expect(withMessage("trpc procedure failed")[0]).toMatchObject({ level: "error", procedure: "account.changePassword", code: "INTERNAL_SERVER_ERROR" });
    const reported = lines().find((l) => typeof l.ref === "string");
    expect((reported?.err as { stack?: string } | undefined)?.stack).toBeTruthy();
    expectAbsent(input.currentPassword, input.newPassword, "Db-Known-Pa55");
  });
});
