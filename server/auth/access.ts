// Who may see and change which winery, decided in one place: the tRPC builders and the routes outside tRPC (the CSV
// export) ask here, so the rule cannot drift between them. Support staff reach every winery; anyone else reaches the
// wineries they are a member of, and changes owner-only settings only where they are an owner.
import "server-only";
import type { CurrentUser } from "@/server/auth/current-user";

type Viewer = Pick<CurrentUser, "role" | "tenantIds" | "ownerOf">;

const isSupport = (user: Viewer) => user.role === "SUPPORT";

/** Whether the user may see and work with this winery's data. */
export function canAccessTenant(user: Viewer, tenantId: string): boolean {
  return isSupport(user) || user.tenantIds.includes(tenantId);
}

/** Whether the user may do what only a winery's owner may do there. */
export function isOwner(user: Viewer, tenantId: string): boolean {
  return isSupport(user) || user.ownerOf.includes(tenantId);
}

/** The wineries the user may see, or null for every winery (support staff). */
export function visibleTenantIds(user: Viewer): string[] | null {
  return isSupport(user) ? null : user.tenantIds;
}
