// Does the customer our orders are recorded against exist in vintrace under exactly this name? vintrace has no
// fuzzy search, so near misses are found by listing parties that start with the same letter, in either case.
import "server-only";
import type { VintraceClient } from "./client";
import { succeed, type VintraceResult } from "./errors";
import type { Party } from "./schemas";

export type CustomerCheck = { found: true; party: Party } | { found: false; didYouMean: string | null };

/** Enough for any winery's customer list starting with one letter; a runaway guard, not a business limit. */
const MAX_CANDIDATES = 5_000;

const normalised = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

export async function checkCustomer(client: VintraceClient, name: string): Promise<VintraceResult<CustomerCheck>> {
  const exact = await client.findParty(name);
  if (!exact.ok) return exact;
  if (exact.value) return succeed({ found: true, party: exact.value });

  const wanted = normalised(name);
  const initial = wanted.charAt(0);
  if (!initial) return succeed({ found: false, didYouMean: null });
  for (const startsWith of new Set([initial.toUpperCase(), initial.toLowerCase()])) {
    let seen = 0;
    for await (const page of client.partyPages({ startsWith, category: "All" })) {
      if (!page.ok) return page;
      const match = page.value.find((party) => party.primeName !== null && normalised(party.primeName) === wanted);
      if (match?.primeName) return succeed({ found: false, didYouMean: match.primeName });
      seen += page.value.length;
      if (seen >= MAX_CANDIDATES) break;
    }
  }
  return succeed({ found: false, didYouMean: null });
}
