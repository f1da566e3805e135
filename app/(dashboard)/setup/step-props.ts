import type { RouterOutputs } from "@/components/types";

/** What every step of the setup wizard gets. */
export interface StepProps {
  tenantId: string;
  state: RouterOutputs["setup"]["state"];
  /** an owner or support: may move the setup on */
  canChange: boolean;
  /** the step moved the setup: read it again */
  onDone: () => void;
}

export type WentLive = RouterOutputs["setup"]["goLive"];
