import { z } from "zod";
import { activeKeyId, decryptSecret, encryptSecret, keyIdOfCiphertext } from "@/server/crypto";
import { defineCommand, type CliCommand } from "@/server/cli/types";

const reencrypt = (ciphertext: string | null) =>
  ciphertext && keyIdOfCiphertext(ciphertext) !== activeKeyId() ? encryptSecret(decryptSecret(ciphertext)) : ciphertext;

const secretsReencrypt = defineCommand({
  name: "secrets:reencrypt",
  usage: "secrets:reencrypt",
  summary: "Move every stored secret to the active ENCRYPTION_KEY (after a key rotation).",
  options: z.object({}).strict(),
  async run(_o, ctx) {
    let moved = 0;
    for (const s of await ctx.db.vintraceSettings.findMany()) {
      const apiKeyEnc = reencrypt(s.apiKeyEnc)!;
      if (apiKeyEnc !== s.apiKeyEnc) {
        await ctx.db.vintraceSettings.update({ where: { tenantId: s.tenantId }, data: { apiKeyEnc } });
        moved++;
      }
    }
    for (const c of await ctx.db.shopifyConnection.findMany()) {
      const data = {
        accessTokenEnc: reencrypt(c.accessTokenEnc),
        refreshTokenEnc: reencrypt(c.refreshTokenEnc),
        webhookSecretEnc: reencrypt(c.webhookSecretEnc),
      };
      const changed = Object.entries(data).filter(([k, v]) => v !== c[k as keyof typeof data]).length;
      if (changed) {
        await ctx.db.shopifyConnection.update({ where: { tenantId: c.tenantId }, data });
        moved += changed;
      }
    }
    await ctx.db.auditEvent.create({ data: { actorEmail: ctx.actor, action: "secrets.reencrypted", details: { moved, keyId: activeKeyId() } } });
    return { text: `Re-encrypted ${moved} secret(s) with key ${activeKeyId()}.`, json: { moved, keyId: activeKeyId() } };
  },
});

export const commands: CliCommand[] = [secretsReencrypt];
