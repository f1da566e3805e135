"use client";

// The owner's setup wizard, for a winery installed from Shopify: connect vintrace, check the products, choose how
// orders are sent, preview real orders, go live. The server keeps the current step, so the wizard can be left and
// reopened where it was; a finished step can be opened again (it becomes the current one, and the steps after it are
// done again). Owners and Winehub support move it on; the winery's staff follow it read-only.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { TenantGate, useTenantHref } from "@/components/tenant";
import { useTRPC } from "@/components/trpc";
import type { RouterOutputs } from "@/components/types";
import { Card, cx, ErrorState, LinkButton, Loading, Notice, PageHeader, Time } from "@/components/ui";
import { SETUP_STEPS, setupStepLabel } from "@/lib/setup-steps";
import { ConnectStep } from "./connect-step";
import { GoLiveStep } from "./go-live-step";
import { PreviewStep } from "./preview-step";
import { ProductsStep } from "./products-step";
import { SendingStep } from "./sending-step";
import type { StepProps, WentLive } from "./step-props";

type State = RouterOutputs["setup"]["state"];
type Step = NonNullable<State["step"]>;

export function SetupPage() {
  return <TenantGate what="setup">{(tenantId) => <Wizard key={tenantId} tenantId={tenantId} />}</TenantGate>;
}

function Wizard({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useQuery(trpc.setup.state.queryOptions({ tenantId }));
  const [wentLive, setWentLive] = useState<WentLive | null>(null);
  if (state.isPending) return <Loading label="Loading the setup…" />;
  if (state.isError) return <ErrorState title="Could not load the setup" error={state.error} onRetry={() => void state.refetch()} />;
  const { step } = state.data;
  const onDone = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.setup.state.queryKey({ tenantId }) });
    // The navigation and the other pages show the winery's status.
    void queryClient.invalidateQueries({ queryKey: trpc.tenants.list.queryKey() });
  };
  const onWentLive = (result: WentLive) => {
    setWentLive(result);
    onDone();
  };
  const props: StepProps = { tenantId, state: state.data, canChange: state.data.canChange, onDone };
  return (
    <div className="space-y-5">
      <PageHeader
        title={`Set up ${state.data.tenantName}`}
        description={
          step ? (
            <span>
              Step {SETUP_STEPS.findIndex((s) => s.step === step) + 1} of {SETUP_STEPS.length}: {setupStepLabel(step)}
              {state.data.stepSince && (
                <>
                  {" "}
                  · since <Time value={state.data.stepSince} />
                </>
              )}
              . Orders from Shopify are stored and held until the last step: nothing is sent to vintrace before.
            </span>
          ) : undefined
        }
      />
      {step ? (
        <>
          <Stepper tenantId={tenantId} current={step} canChange={state.data.canChange} onDone={onDone} />
          {!state.data.canChange && <Notice testId="setup-read-only">An owner of this winery (or Winehub support) moves the setup on; you can follow it here.</Notice>}
          <CurrentStep step={step} props={props} onWentLive={onWentLive} />
        </>
      ) : (
        <Finished tenantId={tenantId} status={state.data.status} wentLive={wentLive} />
      )}
    </div>
  );
}

function CurrentStep({ step, props, onWentLive }: { step: Step; props: StepProps; onWentLive: (result: WentLive) => void }) {
  switch (step) {
    case "CONNECT":
      return <ConnectStep {...props} />;
    case "PRODUCTS":
      return <ProductsStep {...props} />;
    case "SENDING":
      return <SendingStep {...props} />;
    case "PREVIEW":
      return <PreviewStep {...props} />;
    case "GO_LIVE":
      return <GoLiveStep {...props} onWentLive={onWentLive} />;
  }
}

/** The five steps: the finished ones can be opened again, the current one is marked, the later ones wait. */
function Stepper({ tenantId, current, canChange, onDone }: { tenantId: string; current: Step; canChange: boolean; onDone: () => void }) {
  const trpc = useTRPC();
  const reopen = useMutation(trpc.setup.reopen.mutationOptions({ onSuccess: onDone }));
  const at = SETUP_STEPS.findIndex((s) => s.step === current);
  return (
    <nav aria-label="Setup steps">
      <ol className="flex flex-wrap gap-2" data-testid="setup-steps">
        {SETUP_STEPS.map(({ step, label: name }, i) => {
          const label = `${i + 1}. ${name}`;
          const style = cx(
            "rounded-full border px-3 py-1 text-xs font-medium",
            i === at ? "border-indigo-300 bg-indigo-50 text-indigo-800" : i < at ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-slate-200 bg-white text-slate-500",
          );
          return (
            <li key={step} aria-current={i === at ? "step" : undefined} data-step={step}>
              {i < at && canChange ? (
                <button type="button" className={cx(style, "hover:bg-emerald-100")} onClick={() => reopen.mutate({ tenantId, step })} disabled={reopen.isPending} title="Open this step again">
                  ✓ {label}
                </button>
              ) : (
                <span className={style}>
                  {i < at ? "✓ " : ""}
                  {label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {reopen.error && <Notice tone="error">{reopen.error.message}</Notice>}
    </nav>
  );
}

function Finished({ tenantId, status, wentLive }: { tenantId: string; status: State["status"]; wentLive: WentLive | null }) {
  const href = useTenantHref();
  return (
    <Card title="Setup is finished">
      <div className="space-y-3 text-sm" data-testid="setup-finished">
        <p>
          {status === "ACTIVE"
            ? "This winery sends its orders to vintrace as they arrive."
            : `This winery is ${status.toLowerCase()}: there is no setup to do.`}
        </p>
        {wentLive && (
          <p data-testid="went-live-result">
            {wentLive.orders} held {wentLive.orders === 1 ? "order was" : "orders were"} queued, {wentLive.fetched} more found in Shopify
            {wentLive.skipped > 0 ? `, and ${wentLive.skipped} held ${wentLive.skipped === 1 ? "order was" : "orders were"} skipped` : ""}.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <LinkButton href={href("/", {}, tenantId)} variant="primary">
            Open the Overview
          </LinkButton>
          <LinkButton href={href("/orders", {}, tenantId)}>See the sync log</LinkButton>
        </div>
      </div>
    </Card>
  );
}
