import "server-only";
import type { z } from "zod";
import type { Db } from "@/server/db";

/** What a command hands back: words for a person, and the same facts for `--json`. */
export interface CliResult {
  text: string;
  json: unknown;
  /** non-zero when the command ran but the outcome is a failure (for example an order that could not be queued) */
  exitCode?: number;
}

export interface CliContext {
  db: Db;
  /** who ran it, for the audit log */
  actor: string;
}

/**
 * One CLI command. `options` parses the `--flag value` pairs (all strings; `--flag` alone is "true");
 * bad arguments are refused before `run`, with zod's message, and change nothing.
 */
export interface CliCommand<Schema extends z.ZodType = z.ZodType> {
  name: string;
  usage: string;
  summary: string;
  options: Schema;
  run(options: z.infer<Schema>, ctx: CliContext): Promise<CliResult>;
}

export const defineCommand = <Schema extends z.ZodType>(command: CliCommand<Schema>): CliCommand<Schema> => command;
