// Where a winery's user lands on the dashboard's home while their winery is being set up: the setup wizard. The
// owner's first sign-in, straight from the invitation an install sent, goes there. A link that names the winery
// (the navigation's Overview) still opens the Overview.
import "server-only";
import type { CurrentUser } from "@/server/auth/current-user";
import { getDb } from "@/server/db";

export async function setupLanding(user: Pick<CurrentUser, "role" | "tenantIds">): Promise<string | null> {
  if (user.role !== "MERCHANT" || user.tenantIds.length === 0) return null;
  // The winery the dashboard opens on: the first of theirs by name, as the winery picker lists them.
  const first = await getDb().tenant.findFirst({ where: { id: { in: user.tenantIds } }, orderBy: { name: "asc" }, select: { id: true, status: true } });
  return first?.status === "SETUP" ? `/setup?winery=${encodeURIComponent(first.id)}` : null;
}
