import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getEnv } from "@/server/env";

// Secrets at rest: AES-256-GCM. A ciphertext reads "v1.<kid>.<iv>.<tag>.<data>" (base64url parts), so a key can be
// retired: ENCRYPTION_KEY is the active key, ENCRYPTION_OLD_KEYS lists retired ones that can still decrypt.

export interface Keyring {
  activeKid: string;
  keys: Map<string, Buffer>;
}

/** A key's id is derived from the key, so operators never have to name keys consistently by hand. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

export function buildKeyring(activeKeyBase64: string, oldKeys = ""): Keyring {
  const active = Buffer.from(activeKeyBase64, "base64");
  if (active.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  const keys = new Map<string, Buffer>();
  for (const pair of oldKeys.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [kid, b64] = pair.split(":");
    const key = Buffer.from(b64 ?? "", "base64");
    if (!kid || key.length !== 32) throw new Error("ENCRYPTION_OLD_KEYS must be kid:base64key pairs of 32-byte keys");
    keys.set(kid, key);
  }
  const activeKid = keyIdOf(active);
  keys.set(activeKid, active);
  return { activeKid, keys };
}

export function encryptWith(keyring: Keyring, plaintext: string): string {
  const key = keyring.keys.get(keyring.activeKid)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(keyring.activeKid));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", keyring.activeKid, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptWith(keyring: Keyring, ciphertext: string): string {
  const [version, kid, iv, tag, data] = ciphertext.split(".");
  if (version !== "v1" || !kid || !iv || !tag || data === undefined) throw new Error("Not an encrypted secret");
  const key = keyring.keys.get(kid);
  if (!key) throw new Error(`No key with id ${kid}: add the retired key to ENCRYPTION_OLD_KEYS`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(kid));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("A stored secret failed its integrity check (tampered, or the wrong key)");
  }
}

export function keyIdOfCiphertext(ciphertext: string): string | undefined {
  return ciphertext.split(".")[1];
}

let keyring: Keyring | undefined;

function defaultKeyring(): Keyring {
  if (!keyring) keyring = buildKeyring(getEnv().ENCRYPTION_KEY, getEnv().ENCRYPTION_OLD_KEYS);
  return keyring;
}

export const encryptSecret = (plaintext: string) => encryptWith(defaultKeyring(), plaintext);
export const decryptSecret = (ciphertext: string) => decryptWith(defaultKeyring(), ciphertext);
export const activeKeyId = () => defaultKeyring().activeKid;

/** sha256 hex, for tokens we must recognise but never store (invitation and reset links). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** For tests that rotate keys. */
export function resetKeyring(): void {
  keyring = undefined;
}
