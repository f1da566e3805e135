// Where a winery in setup is in the setup wizard, for support: the step, how long it has been on it, and a mark when
// it has been there long enough to be stuck. On the Wineries list and the Overview's table of wineries.
import { Badge } from "@/components/ui";
import { durationWords, SETUP_STUCK_AFTER_MS, type SetupProgress } from "@/lib/setup-steps";

export function SetupProgressNote({ setup }: { setup: SetupProgress }) {
  return (
    <span className="mt-0.5 block text-xs text-slate-600" data-testid="setup-progress">
      Setup step: {setup.label}, for {setup.age}
      {setup.stuck && (
        <>
          {" "}
          <span title={`On this step for ${durationWords(SETUP_STUCK_AFTER_MS)} or more: the owner may need a hand.`}>
            <Badge tone="amber">stuck</Badge>
          </span>
        </>
      )}
    </span>
  );
}
