// Secrets as stored before ciphertexts were bound to their winery and column, for the tests that check such
// ciphertexts stay readable and get upgraded.
import { createCipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "@/server/crypto";

/** The "v1" format: AES-256-GCM authenticated by the key id only. */
export function legacyEncrypt(ring: Keyring, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.activeKid)!, iv);
  cipher.setAAD(Buffer.from(ring.activeKid));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ring.activeKid, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}
