// The order's vintrace code in Shopify (the metafield shown on the order's page in Shopify admin): written, waiting
// for its next try and why, or not written (yet, or given up and why).
import type { RouterOutputs } from "@/components/types";

type MetafieldStatus = RouterOutputs["orders"]["get"]["metafield"];

const STATE_TEXT: Record<MetafieldStatus["state"], string> = {
  written: "written",
  waiting: "waiting",
  not_written: "not written yet",
};

export function VintraceCodeInShopify({ metafield }: { metafield: MetafieldStatus }) {
  const givenUp = metafield.state === "not_written" && metafield.error !== null;
  return (
    <>
      <dt className="text-slate-500">vintrace code in Shopify</dt>
      <dd data-testid="metafield-state">
        {givenUp ? "not written" : STATE_TEXT[metafield.state]}
        {metafield.error && (
          <span className="block text-xs text-red-700">
            {metafield.state === "waiting" ? "Retrying: " : "Gave up: "}
            {metafield.error}
          </span>
        )}
      </dd>
    </>
  );
}
