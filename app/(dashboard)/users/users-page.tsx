"use client";

// A winery's users. Its owners (and support staff) invite and remove staff; a removal ends that user's open sessions
// at once. Invitation links work once and expire after 7 days.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { InviteForm } from "@/components/invite-form";
import { useTRPC } from "@/components/trpc";
import { Badge, Button, Card, ErrorState, Loading, Notice, PageHeader, Table, Td, Th, Time } from "@/components/ui";
import { TenantGate } from "@/components/tenant";

export function UsersPage() {
  return <TenantGate what="users">{(tenantId) => <Users key={tenantId} tenantId={tenantId} />}</TenantGate>;
}

function Users({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions({ tenantId }));
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey({ tenantId }) });
  const invite = useMutation(trpc.users.invite.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSuccess: invalidate }));
  const revoke = useMutation(trpc.users.revokeInvitation.mutationOptions({ onSuccess: invalidate }));
  const [confirming, setConfirming] = useState<string | null>(null);

  if (users.isPending) return <Loading label="Loading users…" />;
  if (users.isError) return <ErrorState title="Could not load the users" error={users.error} onRetry={() => void users.refetch()} />;
  const { members, invitations, canManage } = users.data;
  return (
    <div className="space-y-5">
      <PageHeader title="Users" description={canManage ? "Invite your staff, and remove those who leave." : "Only an owner of this winery can invite or remove users."} />
      {canManage && (
        <Card title="Invite someone">
          <InviteForm
            idPrefix="invite"
            pending={invite.isPending}
            error={invite.error}
            onInvite={(email, membershipRole, done) => invite.mutate({ tenantId, email, membershipRole }, { onSuccess: done })}
          />
          {invite.data && (
            <Notice tone="success">
              Invitation sent. The link works once and expires <Time value={invite.data.expiresAt} />.
            </Notice>
          )}
        </Card>
      )}
      {(remove.error || revoke.error) && <Notice tone="error">{(remove.error ?? revoke.error)?.message}</Notice>}
      {remove.data && <Notice tone="success">Removed {remove.data.removed}; their sessions have ended.</Notice>}
      <Table label="Users">
        <thead>
          <tr>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Since</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {members.map((m) => (
            <tr key={m.userId} data-testid="member-row">
              <Td>
                {m.email} {m.isYou && <Badge tone="indigo">you</Badge>} {m.disabled && <Badge tone="red">disabled</Badge>}
                {m.name && <span className="block text-xs text-slate-500">{m.name}</span>}
              </Td>
              <Td>{m.role === "OWNER" ? "Owner" : "Staff"}</Td>
              <Td className="text-xs">
                <Time value={m.since} />
              </Td>
              <Td className="text-right">
                {canManage &&
                  !m.isYou &&
                  (confirming === m.userId ? (
                    <span className="inline-flex gap-2">
                      <Button variant="danger" onClick={() => remove.mutate({ tenantId, userId: m.userId }, { onSettled: () => setConfirming(null) })} disabled={remove.isPending}>
                        Remove {m.email}
                      </Button>
                      <Button variant="ghost" onClick={() => setConfirming(null)}>
                        Cancel
                      </Button>
                    </span>
                  ) : (
                    <Button variant="ghost" onClick={() => setConfirming(m.userId)}>
                      Remove…
                    </Button>
                  ))}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Card title="Invitations">
        {invitations.length === 0 ? (
          <p className="text-sm text-slate-500">No open invitations.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Invitations">
            {invitations.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span>
                  {i.email} · {i.membershipRole === "OWNER" ? "Owner" : "Staff"} ·{" "}
                  {i.expired ? (
                    <Badge tone="slate">expired</Badge>
                  ) : (
                    <span className="text-slate-500">
                      expires <Time value={i.expiresAt} />
                    </span>
                  )}
                </span>
                {canManage && !i.expired && (
                  <Button variant="ghost" onClick={() => revoke.mutate({ tenantId, invitationId: i.id })} disabled={revoke.isPending}>
                    Withdraw
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
