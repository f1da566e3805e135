import "server-only";
import { z } from "zod";
import type { Db } from "@/server/db";
import { InputError } from "@/server/lib/errors";
import { allCommands } from "./commands";
import type { CliResult } from "./types";

// `npm run cli -- <command> [--flag value …] [--json]`. Exit codes: 0 success, 1 the command failed, 2 bad arguments.

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function parseFlags(argv: string[]): { flags: Record<string, string>; json: boolean; errors: string[] } {
  const flags: Record<string, string> = {};
  const errors: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (!arg.startsWith("--") || arg.length < 3) {
      errors.push(`unexpected argument '${arg}' (flags look like --name value)`);
      continue;
    }
    const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (key in flags) errors.push(`--${key} is given twice`);
    if (inline !== undefined) flags[key] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) flags[key] = argv[++i];
    else flags[key] = "true";
  }
  return { flags, json, errors };
}

const usage = () =>
  ["usage: npm run cli -- <command> [options] [--json]", "", "commands:", ...allCommands.map((c) => `  ${c.usage}\n      ${c.summary}`)].join("\n");

export async function runCli(argv: string[], db: () => Promise<Db>, actor = "cli"): Promise<CliOutcome> {
  const [name, ...rest] = argv;
  const command = allCommands.find((c) => c.name === name);
  if (!command) {
    return { exitCode: 2, stdout: "", stderr: `${name ? `Unknown command '${name}'.\n\n` : ""}${usage()}\n` };
  }
  const { flags, json, errors } = parseFlags(rest);
  const parsed = command.options.safeParse(flags);
  if (errors.length || !parsed.success) {
    const problems = [
      ...errors,
      ...(parsed.success ? [] : parsed.error.issues.map((i) => (i.path.length ? `--${i.path.join(".")}: ${i.message}` : i.message))),
    ];
    return { exitCode: 2, stdout: "", stderr: `${problems.map((p) => `error: ${p}`).join("\n")}\nusage: npm run cli -- ${command.usage}\n` };
  }
  try {
    const result: CliResult = await command.run(parsed.data, { db: await db(), actor });
    const stdout = json ? JSON.stringify(result.json, null, 2) : result.text;
    return { exitCode: result.exitCode ?? 0, stdout: `${stdout}\n`, stderr: "" };
  } catch (error) {
    if (error instanceof InputError) {
      const lines = Object.entries(error.fieldErrors).map(([field, message]) => `error: ${field} ${message}`);
      return { exitCode: 2, stdout: json ? `${JSON.stringify({ error: error.fieldErrors })}\n` : "", stderr: `${lines.join("\n")}\n` };
    }
    if (error instanceof z.ZodError) return { exitCode: 2, stdout: "", stderr: `error: ${error.message}\n` };
    return { exitCode: 1, stdout: "", stderr: `error: ${error instanceof Error ? error.message : String(error)}\n` };
  }
}
