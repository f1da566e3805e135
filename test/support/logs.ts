// Captures what the process's logger writes, as the JSON lines production writes, for assertions.
import { Writable } from "node:stream";
import type { Level } from "pino";
import { createLogger, replaceLogger } from "@/server/observability/log";

export type LogLine = Record<string, unknown> & { level: string; time: string; msg: string; err?: { message?: string; stack?: string } };

export interface CapturedLogs {
  /** every line so far, parsed */
  lines(): LogLine[];
  /** the lines with this message */
  withMessage(msg: string): LogLine[];
  /** every line as written (JSON), one per line: what a grep of the log would search */
  raw(): string;
  /** each line's message and its error's message and stack, for reading like a console */
  text(): string;
  /** the settings' logger again */
  restore(): void;
}

/** From now on, the process's lines at `level` or above are kept here instead of written out. */
export function captureLogs(level: Level = "debug"): CapturedLogs {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  replaceLogger(createLogger({ format: "json", level, destination: sink }));
  const lines = () => written.map((l) => JSON.parse(l) as LogLine);
  return {
    lines,
    withMessage: (msg) => lines().filter((l) => l.msg === msg),
    raw: () => written.join("\n"),
    text: () =>
      lines()
        .map((l) => [l.msg, l.err?.message, l.err?.stack].filter(Boolean).join("\n"))
        .join("\n"),
    restore: () => replaceLogger(undefined),
  };
}
