"use client";

// Support only: every winery, adding one, connecting its shop (the OAuth install link, or a custom app's token and
// webhook secret) and inviting its users.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { firstError } from "@/components/field-errors";
import { InviteForm } from "@/components/invite-form";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Badge, Button, Card, EmptyState, ErrorState, Field, Loading, Notice, PageHeader, StatusBadge, TextInput, Time } from "@/components/ui";
import { useViewer, useTenantHref } from "@/components/tenant";
import { SetupProgressNote } from "./setup-progress";

type Tenant = RouterOutputs["tenantAdmin"]["list"][number];

export function TenantsPage() {
  const viewer = useViewer();
  if (viewer.role !== "SUPPORT") return <ErrorState title="Support staff only" error={{ message: "Only Winehub support staff manage wineries." }} />;
  return <Tenants />;
}

function Tenants() {
  const trpc = useTRPC();
  const list = useQuery(trpc.tenantAdmin.list.queryOptions());
  const focus = useSearchParams().get("winery");
  return (
    <div className="space-y-5">
      <PageHeader title="Wineries" description="Add a winery, connect its Shopify shop, and invite its users." />
      <AddTenant />
      {list.isPending ? (
        <Loading label="Loading wineries…" />
      ) : list.isError ? (
        <ErrorState title="Could not load the wineries" error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No wineries yet">Add the first one above.</EmptyState>
      ) : (
        <ul className="space-y-3" aria-label="Wineries">
          {list.data.map((w) => (
            <TenantCard key={w.id} tenant={w} open={focus === w.id} />
          ))}
        </ul>
      )}
    </div>
  );
}

function AddTenant() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [shopDomain, setShopDomain] = useState("");
  const create = useMutation(
    trpc.tenantAdmin.create.mutationOptions({
      onSuccess: () => {
        setName("");
        setShopDomain("");
        void queryClient.invalidateQueries({ queryKey: trpc.tenantAdmin.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.tenants.list.queryKey() });
      },
    }),
  );
  const errors = create.error?.data?.fieldErrors;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, shopDomain });
  };
  return (
    <Card title="Add a winery">
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-[1fr_1fr_auto] md:items-start" aria-label="Add a winery">
        <Field id="new-name" label="Winery name" error={firstError(errors, "name")}>
          <TextInput id="new-name" value={name} onChange={(e) => setName(e.target.value)} invalid={Boolean(firstError(errors, "name"))} />
        </Field>
        <Field id="new-shop" label="Shopify shop" hint="its-name.myshopify.com" error={firstError(errors, "shopDomain") ?? firstError(errors, "shop")}>
          <TextInput id="new-shop" value={shopDomain} onChange={(e) => setShopDomain(e.target.value)} invalid={Boolean(firstError(errors, "shopDomain") ?? firstError(errors, "shop"))} />
        </Field>
        <Button type="submit" variant="primary" className="md:mt-6" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add winery"}
        </Button>
      </form>
      {create.data && <Notice tone="success">Added {create.data.name}. Connect its shop below, then set up vintrace in its Settings.</Notice>}
      {create.error && !errors && <Notice tone="error">{create.error.message}</Notice>}
    </Card>
  );
}

function TenantCard({ tenant, open }: { tenant: Tenant; open: boolean }) {
  const href = useTenantHref();
  const [panel, setPanel] = useState<"connect" | "invite" | null>(open ? "connect" : null);
  const shopify = tenant.shopify;
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid="winery-card">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="font-semibold">
            <Link href={href("/", {}, tenant.id)} className="hover:underline">
              {tenant.name}
            </Link>{" "}
            <StatusBadge status={tenant.status} />
          </p>
          <p className="text-sm text-slate-500">{tenant.shopDomain}</p>
          {tenant.setup && <SetupProgressNote setup={tenant.setup} />}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setPanel(panel === "connect" ? null : "connect")} aria-expanded={panel === "connect"}>
            Connect shop
          </Button>
          <Button onClick={() => setPanel(panel === "invite" ? null : "invite")} aria-expanded={panel === "invite"}>
            Invite user
          </Button>
          <Link href={href("/settings", {}, tenant.id)} className="rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
            Settings
          </Link>
        </div>
      </div>
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">Shopify</dt>
          <dd>
            {!shopify ? (
              <Badge tone="red">not connected</Badge>
            ) : shopify.revokedAt ? (
              <Badge tone="red">token revoked</Badge>
            ) : (
              <>
                <Badge tone="green">connected</Badge> <span className="text-xs text-slate-500">{shopify.method === "MANUAL" ? "custom-app token" : "OAuth"}</span>
              </>
            )}
            {shopify?.subscriptionsProblem && <span className="mt-1 block text-xs text-red-700">Webhooks: {shopify.subscriptionsProblem}</span>}
            {shopify?.subscriptionsCheckedAt && (
              <span className="block text-xs text-slate-500">
                Webhooks checked <Time value={shopify.subscriptionsCheckedAt} />
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">vintrace</dt>
          <dd>
            {tenant.vintrace ? (
              <>
                <span className="font-mono text-xs">{tenant.vintrace.baseUrl}</span>
                <span className="block text-xs text-slate-500">{tenant.vintrace.lastVerifiedAt ? <>tested <Time value={tenant.vintrace.lastVerifiedAt} /></> : "never tested"}</span>
              </>
            ) : (
              <Badge tone="amber">not set up</Badge>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Users</dt>
          <dd>
            <Link className="hover:underline" href={href("/users", {}, tenant.id)}>
              {tenant.users}
            </Link>{" "}
            · added <Time value={tenant.createdAt} />
          </dd>
        </div>
      </dl>
      {panel === "connect" && <ConnectPanel tenant={tenant} />}
      {panel === "invite" && <InvitePanel tenant={tenant} />}
    </li>
  );
}

function ConnectPanel({ tenant }: { tenant: Tenant }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [token, setToken] = useState("");
  const [secret, setSecret] = useState("");
  const connect = useMutation(
    trpc.tenantAdmin.connectManual.mutationOptions({
      onSuccess: () => {
        setToken("");
        setSecret("");
        void queryClient.invalidateQueries({ queryKey: trpc.tenantAdmin.list.queryKey() });
      },
    }),
  );
  const install = `/api/shopify/install?shop=${encodeURIComponent(tenant.shopDomain)}`;
  const errors = connect.error?.data?.fieldErrors;
  return (
    <div className="mt-4 grid gap-4 border-t border-slate-100 pt-4 md:grid-cols-2">
      <div>
        <h3 className="text-sm font-semibold">With OAuth (recommended)</h3>
        <p className="mt-1 text-sm text-slate-600">Send the merchant this link, or open it while signed in to their Shopify admin. They approve the app; the shop connects and subscribes its webhooks.</p>
        <p className="mt-2">
          <a href={install} className="font-mono text-xs break-all text-indigo-700 hover:underline" data-testid="install-link">
            {install}
          </a>
        </p>
      </div>
      <form
        aria-label={`Connect ${tenant.name} with a token`}
        onSubmit={(e) => {
          e.preventDefault();
          connect.mutate({ tenantId: tenant.id, accessToken: token, webhookSecret: secret || undefined });
        }}
        className="space-y-3"
      >
        <h3 className="text-sm font-semibold">With a custom app&apos;s token</h3>
        <Field id={`token-${tenant.id}`} label="Admin API access token" hint="shpat_… — stored encrypted, never shown again." error={firstError(errors, "accessToken")}>
          <TextInput id={`token-${tenant.id}`} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </Field>
        <Field id={`secret-${tenant.id}`} label="Webhook signing secret" hint="The custom app's secret, so its webhooks verify." error={firstError(errors, "webhookSecret")}>
          <TextInput id={`secret-${tenant.id}`} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </Field>
        <Button type="submit" variant="primary" disabled={connect.isPending || !token.trim()}>
          {connect.isPending ? "Connecting…" : "Save token"}
        </Button>
        {connect.data && <Notice tone="success">Connected with the token.</Notice>}
        {connect.error && !errors && <Notice tone="error">{connect.error.message}</Notice>}
      </form>
    </div>
  );
}

function InvitePanel({ tenant }: { tenant: Tenant }) {
  const trpc = useTRPC();
  const invite = useMutation(trpc.tenantAdmin.invite.mutationOptions());
  return (
    <div className="mt-4 border-t border-slate-100 pt-4">
      <h3 className="mb-2 text-sm font-semibold">Invite a user to {tenant.name}</h3>
      <InviteForm
        idPrefix={`invite-${tenant.id}`}
        pending={invite.isPending}
        error={invite.error}
        onInvite={(email, membershipRole, done) => invite.mutate({ tenantId: tenant.id, email, membershipRole }, { onSuccess: done })}
      />
      {invite.data && (
        <Notice tone="success">
          Invitation sent. The link works once and expires <Time value={invite.data.expiresAt} />.
        </Notice>
      )}
    </div>
  );
}
