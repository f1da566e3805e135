// next-auth answers every refused sign-in alike (the login page's fetch gets {url: "/login?error=<reason>"}, status
// 200). A sign-in refused because the server had too many passwords to check is told apart as 429 with Retry-After,
// the same body still giving the page its reason.

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
  headers.set("Retry-After", "5");
  return new Response(response.body, { status: 429, headers });
}
