import { describe, expect, it } from "vitest";
import { parseSimOrderArgs } from "@/simulators/shopify/sim-order-args";

const SHOP = ["--shop", "hilltop-estate.myshopify.com"];
const refused = (args: string[]) => {
  try {
    parseSimOrderArgs(args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(" ")}`);
};

describe("npm run sim:order's arguments", () => {
  it("places an order by default, with its lines and duplicates", () => {
    expect(parseSimOrderArgs([...SHOP])).toEqual({ kind: "create", shop: SHOP[1], duplicates: 1 });
    expect(parseSimOrderArgs([...SHOP, "--lines", "21SHZ750:2, TOTE-NAT:1", "--duplicate", "3"])).toEqual({
      kind: "create",
      shop: SHOP[1],
      duplicates: 3,
      lines: [{ sku: "21SHZ750", qty: 2 }, { sku: "TOTE-NAT", qty: 1 }],
    });
  });

  it("reads --cancel, --refund [--amount] and --edit --lines, where an edit's quantity may be 0", () => {
    expect(parseSimOrderArgs([...SHOP, "--cancel", "#1001"])).toEqual({ kind: "cancel", shop: SHOP[1], name: "#1001" });
    expect(parseSimOrderArgs([...SHOP, "--refund", "1002"])).toEqual({ kind: "refund", shop: SHOP[1], name: "1002" });
    expect(parseSimOrderArgs([...SHOP, "--refund", "#1002", "--amount", "12.50"])).toEqual({ kind: "refund", shop: SHOP[1], name: "#1002", amount: "12.50" });
    expect(parseSimOrderArgs([...SHOP, "--edit", "#1003", "--lines", "21SHZ750:0,RB-NEW:4"])).toEqual({
      kind: "edit",
      shop: SHOP[1],
      name: "#1003",
      lines: [{ sku: "21SHZ750", qty: 0 }, { sku: "RB-NEW", qty: 4 }],
    });
    expect(parseSimOrderArgs(["--help"])).toEqual({ kind: "help" });
  });

  it("refuses what cannot be run, saying why", () => {
    expect(refused([])).toBe("--shop is required");
    expect(refused(["--shop", "hilltop"])).toMatch(/--shop must look like name.myshopify.com/);
    expect(refused([...SHOP, "--cancel", "#1", "--refund", "#2"])).toBe("give one of --cancel, --refund and --edit, not --cancel and --refund");
    expect(refused([...SHOP, "--edit", "#1001"])).toMatch(/--edit needs --lines/);
    expect(refused([...SHOP, "--edit", "#1001", "--lines", "21SHZ750:-1"])).toMatch(/bad line "21SHZ750:-1"/);
    expect(refused([...SHOP, "--lines", "21SHZ750:0"])).toMatch(/at least 1/);
    expect(refused([...SHOP, "--refund", "#1001", "--amount", "ten"])).toMatch(/--amount must be an amount like 12.50/);
    expect(refused([...SHOP, "--refund", "#1001", "--amount", "0"])).toMatch(/--amount must be an amount/);
    expect(refused([...SHOP, "--amount", "5"])).toBe("--amount goes with --refund only");
    expect(refused([...SHOP, "--cancel", "#1001", "--duplicate", "2"])).toBe("--duplicate goes with placing an order only");
    expect(refused([...SHOP, "--cancel", " "])).toMatch(/--cancel needs the order's name/);
    expect(refused([...SHOP, "--bogus"])).toMatch(/Unknown option '--bogus'/);
  });
});
