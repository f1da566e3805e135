import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildKeyring, decryptWith, encryptWith, keyIdOf } from "./crypto";

const key = () => randomBytes(32).toString("base64");

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "shpat_secret_token");
    expect(ct).not.toContain("shpat_secret_token");
    expect(decryptWith(ring, ct)).toBe("shpat_secret_token");
    expect(encryptWith(ring, "x")).not.toBe(encryptWith(ring, "x"));
  });

  it("detects tampering with the data, the tag, the iv or the key id", () => {
    const ring = buildKeyring(key());
    const ct = encryptWith(ring, "vintrace-api-key");
    const parts = ct.split(".");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const i of [2, 3, 4]) {
      const bad = [...parts];
      bad[i] = flip(bad[i]);
      expect(() => decryptWith(ring, bad.join("."))).toThrow(/integrity|Not an encrypted/);
    }
    const otherKid = [...parts];
    otherKid[1] = "zzzzzzzz";
    expect(() => decryptWith(ring, otherKid.join("."))).toThrow(/No key with id/);
  });

  it("decrypts with a retired key after rotation, and encrypts with the new one", () => {
    const oldKey = key();
    const oldRing = buildKeyring(oldKey);
    const ct = encryptWith(oldRing, "rotate me");
    const oldKid = keyIdOf(Buffer.from(oldKey, "base64"));
    const newRing = buildKeyring(key(), `${oldKid}:${oldKey}`);
    expect(decryptWith(newRing, ct)).toBe("rotate me");
    expect(encryptWith(newRing, "x").split(".")[1]).toBe(newRing.activeKid);
    expect(() => decryptWith(buildKeyring(key()), ct)).toThrow(/No key with id/);
  });

  it("refuses a key of the wrong size", () => {
    expect(() => buildKeyring(Buffer.from("short").toString("base64"))).toThrow(/32 bytes/);
  });
});
