import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";

/** What a command hands back: words for a person, and the same facts for `--json`. */
export interface CliResult {
  text: string;
  json: unknown;
  /** non-zero when the command ran but the outcome is a failure (for example an order that could not be queued) */
  exitCode?: number;
}

/** Where a command reads what is not given as a flag (a password), and where it asks for it. */
export interface CliIo {
  /** piped text, or a terminal to prompt on */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** prompts go here, never to stdout (which may be --json) */
  prompt: NodeJS.WritableStream;
}

export interface CliContext {
  db: Db;
  /** who ran it, for the audit log */
  actor: string;
  /** the process's standard input and error unless given */
  io?: CliIo;
}

/**
 * One flag. A flag with an `arg` takes a value (`--shop S`, `--shop=S`); one without is a switch (`--dry-run`).
 * `schema` parses what was typed (the text; "true" for a switch that is on; undefined when absent): a flag whose
 * schema refuses undefined is required. Its messages are printed after the flag's name.
 */
export interface Flag<S extends z.ZodType = z.ZodType> {
  help: string;
  arg?: string;
  schema: S;
}
export type Flags = Record<string, Flag>;
export type OptionsOf<F extends Flags> = { [K in keyof F]: z.output<F[K]["schema"]> };

/** One CLI command. Bad arguments are refused before `run`, naming the flag, and change nothing. */
export interface CommandSpec<F extends Flags> {
  name: string;
  summary: string;
  flags: F;
  /** problems between flags, each naming its flags */
  check?(options: OptionsOf<F>): string[];
  run(options: OptionsOf<F>, ctx: CliContext): Promise<CliResult>;
}
/** A command with `options`: its flags' schemas as one (flags by name, as typed), `check` included. */
export interface CliCommand extends CommandSpec<Flags> {
  options: z.ZodType<Record<string, unknown>, Record<string, string | undefined>>;
}

export function defineCommand<F extends Flags>(spec: CommandSpec<F>): CliCommand {
  const options = z
    .object(Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, flag.schema])))
    .strict()
    .superRefine((parsed, ctx) => {
      for (const message of spec.check?.(parsed as OptionsOf<F>) ?? []) ctx.addIssue({ code: "custom", message });
    });
  return { ...(spec as unknown as CommandSpec<Flags>), options: options as CliCommand["options"] };
}
