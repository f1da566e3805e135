import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getEnv } from "@/server/env";
import type { Prisma } from "@/server/generated/prisma/client";

// Secrets at rest: AES-256-GCM. A ciphertext reads "v2.<kid>.<iv>.<tag>.<data>" (base64url parts), so a key can be
// retired: ENCRYPTION_KEY is the active key, ENCRYPTION_OLD_KEYS lists retired ones that can still decrypt.
// A v2 ciphertext is bound to its winery and its column through the authenticated data, so a ciphertext copied into
// another winery's row or another column fails its integrity check. v1 ciphertexts (bound to the key id only) are
// still read, and `secrets:reencrypt` rewrites them as v2.

type ScalarFieldsOf<M extends Prisma.ModelName> = keyof Prisma.TypeMap["model"][M]["payload"]["scalars"] & string;

/** Every column holding a secret: by convention, a field whose name ends in "Enc" ("ShopifyConnection.accessTokenEnc"). */
export type EncryptedColumn = { [M in Prisma.ModelName]: `${M}.${Extract<ScalarFieldsOf<M>, `${string}Enc`>}` }[Prisma.ModelName];

/** Where a secret lives: required at every encryption and decryption, so a ciphertext only opens where it was written. */
export interface SecretContext {
  tenantId: string;
  column: EncryptedColumn;
}

const VERSION = "v2";
const LEGACY_VERSION = "v1";

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

function authenticatedData(version: string, kid: string, context: SecretContext | null): Buffer {
  return Buffer.from(context ? `${version}:${kid}:${context.tenantId}:${context.column}` : kid);
}

export function encryptWith(keyring: Keyring, plaintext: string, context: SecretContext): string {
  const key = keyring.keys.get(keyring.activeKid)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(authenticatedData(VERSION, keyring.activeKid, context));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyring.activeKid, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

export function decryptWith(keyring: Keyring, ciphertext: string, context: SecretContext): string {
  const [version, kid, iv, tag, data] = ciphertext.split(".");
  if ((version !== VERSION && version !== LEGACY_VERSION) || !kid || !iv || !tag || data === undefined) throw new Error("Not an encrypted secret");
  const key = keyring.keys.get(kid);
  if (!key) throw new Error(`No key with id ${kid}: add the retired key to ENCRYPTION_OLD_KEYS`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(authenticatedData(version, kid, version === VERSION ? context : null));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("A stored secret failed its integrity check (tampered, moved from another row or column, or the wrong key)");
  }
}

let keyring: Keyring | undefined;

function defaultKeyring(): Keyring {
  if (!keyring) keyring = buildKeyring(getEnv().ENCRYPTION_KEY, getEnv().ENCRYPTION_OLD_KEYS);
  return keyring;
}

export const encryptSecret = (plaintext: string, context: SecretContext) => encryptWith(defaultKeyring(), plaintext, context);
export const decryptSecret = (ciphertext: string, context: SecretContext) => decryptWith(defaultKeyring(), ciphertext, context);
export const activeKeyId = () => defaultKeyring().activeKid;

/** True when a ciphertext is not in the current format under the active key, so `secrets:reencrypt` must rewrite it. */
export function needsReencryption(ciphertext: string): boolean {
  const [version, kid] = ciphertext.split(".");
  return version !== VERSION || kid !== activeKeyId();
}

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
