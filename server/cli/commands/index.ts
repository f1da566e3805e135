import "server-only";
import type { CliCommand } from "@/server/cli/types";
import { commands as alerts } from "./alerts";
import { commands as compliance } from "./compliance";
import { commands as orders } from "./orders";
import { commands as secrets } from "./secrets";
import { commands as tenants } from "./tenants";

export const allCommands: CliCommand[] = [...tenants, ...orders, ...secrets, ...alerts, ...compliance];
