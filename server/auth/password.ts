import "server-only";
import { hash, verify } from "@node-rs/argon2";
import { createLimiter } from "./limiter";

// argon2id (the library's default algorithm) with OWASP's minimum cost: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Every argon2 hash and verification in this process goes through here: 4 at once, 32 waiting, the rest refused. */
export const ARGON2_LIMITS = { concurrency: 4, queue: 32 };
export const argon2Slots = createLimiter(ARGON2_LIMITS);

/** Throws BusyError when the process already has as much argon2 work as it takes. */
export const hashPassword = (password: string) => argon2Slots.run(() => hash(password, options));

/** Throws BusyError when the process already has as much argon2 work as it takes. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  return argon2Slots.run(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}

/** A real hash to verify against when the email is unknown, so timing does not reveal which emails exist. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hash("decoy-password-never-matches", options));
