// The owner's setup wizard's steps, in order, with the names the wizard shows: the server moves a winery through
// them (server/setup/steps.ts) and the wizard's page draws them. Browser-safe: Prisma's generated enums only.
import { SetupStep } from "@/server/generated/prisma/enums";

/** The steps in the wizard's order. */
export const SETUP_STEPS = [SetupStep.CONNECT, SetupStep.PRODUCTS, SetupStep.SENDING, SetupStep.PREVIEW, SetupStep.GO_LIVE] as const;

export const STEP_TITLES: Record<SetupStep, string> = {
  CONNECT: "Connect vintrace",
  PRODUCTS: "Products",
  SENDING: "How orders are sent",
  PREVIEW: "Preview",
  GO_LIVE: "Go live",
};
