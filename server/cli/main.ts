import "server-only";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { Db } from "@/server/db";
import { InputError } from "@/server/lib/errors";
import { allCommands } from "./commands";
import { flagOfField, switchFlag } from "./flags";
import type { CliCommand, CliIo, CliResult, Flag } from "./types";

// `npm run cli -- <command> [--flag value …] [--json]`, `--help` on its own or after a command.
// Exit codes: 0 success, 1 the command ran and failed, 2 bad arguments (unknown command or flag, a bad value, a shop
// no winery has); nothing is changed when the arguments are bad.

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const PROGRAM = "npm run cli --";
/** Flags every command takes. */
const COMMON_FLAGS: Record<string, Flag> = {
  json: switchFlag("print the result as JSON"),
  help: switchFlag("show this help"),
};

const isSwitch = (flag: Flag) => flag.arg === undefined;
const isRequired = (flag: Flag) => !flag.schema.safeParse(undefined).success;

function usageOf(command: CliCommand): string {
  const flags = Object.entries(command.flags);
  const required = flags.filter(([, f]) => isRequired(f)).map(([name, f]) => `--${name}${f.arg ? ` ${f.arg}` : ""}`);
  const optional = flags.filter(([, f]) => !isRequired(f)).map(([name, f]) => `[--${name}${f.arg ? ` ${f.arg}` : ""}]`);
  return [command.name, ...required, ...(optional.length > 3 ? ["[flags]"] : optional)].join(" ");
}

/** One line per flag: the flag and its value, then what it does. */
function flagLines(flags: Record<string, Flag>, indent: string): string[] {
  const entries = Object.entries(flags).map(([name, f]) => [`${name === "help" ? "-h, " : ""}--${name}${f.arg ? ` ${f.arg}` : ""}`, `${f.help}${isRequired(f) ? " (required)" : ""}`]);
  const width = Math.max(...entries.map(([left]) => left.length)) + 2;
  return entries.map(([left, right]) => `${indent}${left.padEnd(width)}${right}`);
}

export function commandHelp(command: CliCommand): string {
  return [`usage: ${PROGRAM} ${usageOf(command)} [--json]`, "", command.summary, "", "flags:", ...flagLines({ ...command.flags, ...COMMON_FLAGS }, "  ")].join("\n");
}

export function mainHelp(): string {
  return [
    `usage: ${PROGRAM} <command> [flags] [--json]`,
    `       ${PROGRAM} <command> --help`,
    "",
    "Every command takes --json (the result as JSON) and -h/--help. Exit codes: 0 done, 1 the command failed, 2 bad arguments.",
    "",
    "commands:",
    ...allCommands.flatMap((c) => [`  ${c.name}  ${c.summary}`, ...(Object.keys(c.flags).length ? flagLines(c.flags, "      ") : []), ""]),
  ]
    .join("\n")
    .trimEnd();
}

/**
 * The flags as typed, by name (text, or true for a switch), and what is wrong with them. Switches also take the
 * older spellings `--dry-run=true|false` and `--dry-run true|false`, so scripts written for them keep working.
 */
function readFlags(command: CliCommand, argv: string[]): { values: Record<string, string>; problems: string[] } {
  const known: Record<string, Flag> = { ...command.flags, ...COMMON_FLAGS };
  const switches = new Set(Object.keys(known).filter((name) => isSwitch(known[name])));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [, name, inline] = /^--([^=]+)(?:=(.*))?$/s.exec(argv[i]) ?? [];
    if (!name || !switches.has(name) || (inline !== undefined && inline !== "true" && inline !== "false")) {
      args.push(argv[i]);
      continue;
    }
    let on = inline !== "false";
    if (inline === undefined && (argv[i + 1] === "true" || argv[i + 1] === "false")) on = argv[++i] === "true";
    if (on) args.push(`--${name}`);
  }
  const options = Object.fromEntries(Object.entries(known).map(([name, f]) => [name, { type: isSwitch(f) ? ("boolean" as const) : ("string" as const), ...(name === "help" ? { short: "h" } : {}) }]));
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") problems.push(`unexpected argument '${token.value}' (flags look like --name value)`);
    if (token.kind !== "option") continue;
    const flag = known[token.name];
    if (!flag) {
      problems.push(`${token.rawName}: no such flag for ${command.name}`);
    } else if (token.name in values) {
      problems.push(`--${token.name}: given twice`);
    } else if (isSwitch(flag)) {
      if (token.value !== undefined) problems.push(`--${token.name}: takes no value`);
      else values[token.name] = "true";
    } else if (token.value === undefined || (!token.inlineValue && token.value.startsWith("--"))) {
      // `--shop --json` is a missing value, not a shop called "--json" (write --shop=--x to mean that)
      problems.push(`--${token.name}: needs a value (${flag.arg})`);
    } else {
      values[token.name] = token.value;
    }
  }
  return { values, problems };
}

/** The flags parsed by the command's schemas; each problem names its flag. */
function parseOptions(command: CliCommand, typed: Record<string, string>): { options: Record<string, unknown>; problems: string[] } {
  const parsed = command.options.safeParse(typed);
  if (parsed.success) return { options: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => {
    const flag = issue.path[0];
    if (flag === undefined) return issue.message;
    return `--${String(flag)}: ${typed[String(flag)] === undefined ? "is required" : issue.message}`;
  });
  return { options: {}, problems: [...new Set(problems)] };
}

const refused = (problems: string[], help: string): CliOutcome => ({
  exitCode: 2,
  stdout: "",
  stderr: `${problems.map((p) => `error: ${p}`).join("\n")}\n\n${help}\n`,
});

export async function runCli(argv: string[], db: () => Promise<Db>, actor = "cli", io?: CliIo): Promise<CliOutcome> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") return { exitCode: 0, stdout: `${mainHelp()}\n`, stderr: "" };
  const command = allCommands.find((c) => c.name === name);
  if (!command) return refused([name ? `unknown command '${name}'` : "no command given"], mainHelp());

  const typed = readFlags(command, rest);
  if (typed.values.help) return { exitCode: 0, stdout: `${commandHelp(command)}\n`, stderr: "" };
  const { json: jsonFlag, help: _help, ...flags } = typed.values;
  const json = jsonFlag === "true";
  const { options, problems } = typed.problems.length ? { options: {}, problems: typed.problems } : parseOptions(command, flags);
  if (problems.length) return refused(problems, commandHelp(command));
  try {
    const result: CliResult = await command.run(options, { db: await db(), actor, io });
    const stdout = json ? JSON.stringify(result.json, null, 2) : result.text;
    return { exitCode: result.exitCode ?? 0, stdout: `${stdout}\n`, stderr: "" };
  } catch (error) {
    if (error instanceof InputError) {
      const byFlag = Object.fromEntries(Object.entries(error.fieldErrors).map(([field, message]) => [flagOfField(field), message]));
      const lines = Object.entries(byFlag).map(([flag, message]) => `error: --${flag}: ${message}`);
      return { exitCode: 2, stdout: json ? `${JSON.stringify({ error: byFlag })}\n` : "", stderr: `${lines.join("\n")}\n` };
    }
    if (error instanceof z.ZodError) return { exitCode: 2, stdout: "", stderr: `error: ${error.issues.map((i) => i.message).join("; ")}\n` };
    return { exitCode: 1, stdout: "", stderr: `error: ${error instanceof Error ? error.message : String(error)}\n` };
  }
}
