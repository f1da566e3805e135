// next-auth answers every refused sign-in alike (the login page's fetch gets {url: "/login?error=<reason>"}, status
// 200). A sign-in refused because the server had too many passwords to check is told apart as 429 with Retry-After,
// the same body still giving the page its reason.

/** How long a client is asked to wait before trying again, when the server had too many passwords to check. */
import "server-only";
export const BUSY_RETRY_AFTER_SECONDS = "5";

/** Where next-auth tells the login page's fetch to go next ({url}); a plain redirect is left alone. */
async function redirectTarget(response: Response): Promise<string | null> {
  if (!response.headers.get("content-type")?.includes("application/json")) return null;
  const body = (await response.clone().json()) as { url?: unknown };
  return typeof body.url === "string" ? body.url : null;
}

export async function busyAs429(response: Response): Promise<Response> {
  const target = await redirectTarget(response);
  if (!target || new URL(target, "http://x").searchParams.get("error") !== "busy") return response;
  const headers = new Headers(response.headers);
  headers.set("Retry-After", BUSY_RETRY_AFTER_SECONDS);
  return new Response(response.body, { status: 429, headers });
}
