import "server-only";
import { recordAudit } from "@/server/audit/record";
import { activeKeyId, decryptSecret, encryptSecret, needsReencryption, type EncryptedColumn } from "@/server/crypto";
import { defineCommand, type CliCommand } from "@/server/cli/types";

/**
 * The row's secrets that are under a retired key or in the old format (not bound to the winery and column),
 * rewritten with the active key; the secrets already current are left out.
 */
function reencrypted<Row extends { tenantId: string }, Field extends keyof Row & `${string}Enc`>(
  row: Row,
  columns: Record<Field, EncryptedColumn>,
): Partial<Record<Field, string>> {
  const data: Partial<Record<Field, string>> = {};
  for (const [field, column] of Object.entries(columns) as [Field, EncryptedColumn][]) {
    const ciphertext = row[field];
    if (typeof ciphertext !== "string" || !needsReencryption(ciphertext)) continue;
    const context = { tenantId: row.tenantId, column };
    data[field] = encryptSecret(decryptSecret(ciphertext, context), context);
  }
  return data;
}

const secretsReencrypt = defineCommand({
  name: "secrets:reencrypt",
  summary: "Move every stored secret to the active ENCRYPTION_KEY and the current format (after a key rotation or an upgrade).",
  flags: {},
  async run(_o, ctx) {
    let moved = 0;
    const save = async (data: object, write: () => Promise<unknown>) => {
      const changed = Object.keys(data).length;
      if (changed) await write();
      moved += changed;
    };
    for (const s of await ctx.db.vintraceSettings.findMany()) {
      const data = reencrypted(s, { apiKeyEnc: "VintraceSettings.apiKeyEnc" });
      await save(data, () => ctx.db.vintraceSettings.update({ where: { tenantId: s.tenantId }, data }));
    }
    for (const c of await ctx.db.shopifyConnection.findMany()) {
      const data = reencrypted(c, {
        accessTokenEnc: "ShopifyConnection.accessTokenEnc",
        refreshTokenEnc: "ShopifyConnection.refreshTokenEnc",
        webhookSecretEnc: "ShopifyConnection.webhookSecretEnc",
      });
      await save(data, () => ctx.db.shopifyConnection.update({ where: { tenantId: c.tenantId }, data }));
    }
    for (const w of await ctx.db.alertWebhook.findMany()) {
      const data = reencrypted(w, { urlEnc: "AlertWebhook.urlEnc" });
      await save(data, () => ctx.db.alertWebhook.update({ where: { id: w.id }, data }));
    }
    await recordAudit(ctx.db, { action: "secrets.reencrypted", actor: { email: ctx.actor }, details: { moved, keyId: activeKeyId() } });
    return { text: `Re-encrypted ${moved} secret(s) with key ${activeKeyId()}.`, json: { moved, keyId: activeKeyId() } };
  },
});

export const commands: CliCommand[] = [secretsReencrypt];
