import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { legacyEncrypt } from "@/test/legacy-secrets";
import { buildKeyring, decryptWith, encryptWith, keyIdOf, type SecretContext } from "./crypto";

const key = () => randomBytes(32).toString("base64");
const token: SecretContext = { tenantId: "tenant-a", column: "ShopifyConnection.accessTokenEnc" };

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "shpat_secret_token", token);
    expect(ct).not.toContain("shpat_secret_token");
    expect(ct.startsWith(`v2.${ring.activeKid}.`)).toBe(true);
    expect(decryptWith(ring, ct, token)).toBe("shpat_secret_token");
    expect(encryptWith(ring, "x", token)).not.toBe(encryptWith(ring, "x", token));
  });

  it("detects tampering with the data, the tag, the iv, the version or the key id", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "vintrace-api-key", token);
    const parts = ct.split(".");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const i of [2, 3, 4]) {
      const bad = [...parts];
      bad[i] = flip(bad[i]);
      expect(() => decryptWith(ring, bad.join("."), token)).toThrow(/integrity|Not an encrypted/);
    }
    // Claiming the old format does not skip the binding: the authenticated data differs, so the tag fails.
    expect(() => decryptWith(ring, ["v1", ...parts.slice(1)].join("."), token)).toThrow(/integrity/);
    const otherKid = [...parts];
    otherKid[1] = "zzzzzzzz";
    expect(() => decryptWith(ring, otherKid.join("."), token)).toThrow(/No key with id/);
  });

  it("refuses a ciphertext copied into another winery's row", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "shpat_of_a", token);
    expect(() => decryptWith(ring, ct, { ...token, tenantId: "tenant-b" })).toThrow(
      "A stored secret failed its integrity check (tampered, moved from another row or column, or the wrong key)",
    );
  });

  it("refuses a ciphertext copied into another column of the same winery", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "whsec_of_a", { tenantId: "tenant-a", column: "ShopifyConnection.webhookSecretEnc" });
    for (const column of ["ShopifyConnection.accessTokenEnc", "VintraceSettings.apiKeyEnc", "AlertWebhook.urlEnc"] as const) {
      expect(() => decryptWith(ring, ct, { tenantId: "tenant-a", column })).toThrow(/integrity check/);
    }
  });

  it("still reads a legacy ciphertext, under the active key or a retired one", () => {
    const oldKey = key();
    const oldRing = buildKeyring(oldKey);
    const legacy = legacyEncrypt(oldRing, "stored before binding");
    expect(decryptWith(oldRing, legacy, token)).toBe("stored before binding");
    const newRing = buildKeyring(key(), `${oldRing.activeKid}:${oldKey}`);
    expect(decryptWith(newRing, legacy, token)).toBe("stored before binding");
  });

  it("decrypts with a retired key after rotation, and encrypts with the new one", () => {
    const oldKey = key();
    const oldRing = buildKeyring(oldKey);
    const ct = encryptWith(oldRing, "rotate me", token);
    const oldKid = keyIdOf(Buffer.from(oldKey, "base64"));
    const newRing = buildKeyring(key(), `${oldKid}:${oldKey}`);
    expect(decryptWith(newRing, ct, token)).toBe("rotate me");
    expect(encryptWith(newRing, "x", token).split(".")[1]).toBe(newRing.activeKid);
    expect(() => decryptWith(buildKeyring(key()), ct, token)).toThrow(/No key with id/);
  });

  it("refuses a key of the wrong size", () => {
    expect(() => buildKeyring(Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });
});
