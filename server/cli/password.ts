// user:add without --password: the password is read from standard input when it is piped (`… | npm run cli --
// user:add …`), or asked for on the terminal without echoing it. Either way it never appears in the shell's
// history or the process list, as a --password argument does.
import "server-only";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { InputError } from "@/server/lib/errors";
import type { CliIo } from "./types";

/** The first line of piped input (without its line ending), or "" when there is none. */
function firstLine(stdin: CliIo["stdin"]): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const done = () => {
      stdin.off("data", onData);
      stdin.off("end", done);
      stdin.off("error", reject);
      stdin.pause();
      resolve(text.split(/\r?\n/)[0]);
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (/\r?\n/.test(text)) done();
    };
    stdin.on("data", onData);
    stdin.once("end", done);
    stdin.once("error", reject);
    stdin.resume();
  });
}

/** Asks each question in turn on the terminal, one line per answer; what is typed is not echoed. */
function hiddenAnswers(io: CliIo, questions: string[]): Promise<string[]> {
  const silent = new Writable({ write: (_chunk, _encoding, next) => next() });
  // One interface for every question: lines typed ahead are kept for the next question, not lost with a closed one.
  const rl = createInterface({ input: io.stdin, output: silent, terminal: true });
  const answers: string[] = [];
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      rl.removeAllListeners();
      rl.close();
      io.prompt.write("\n");
      if (error) reject(error);
      else resolve(answers);
    };
    rl.on("line", (line) => {
      answers.push(line);
      if (answers.length === questions.length) return finish();
      io.prompt.write(`\n${questions[answers.length]}`);
    });
    // Ctrl+C or the end of input while asked: readline would otherwise only pause, and the process wait for ever.
    rl.on("SIGINT", () => finish(new Error("Cancelled; nothing was added.")));
    rl.on("close", () => finish(new Error("No password was typed; nothing was added.")));
    io.prompt.write(questions[0]);
  });
}

export async function readPassword(io: CliIo = { stdin: process.stdin, prompt: process.stderr }): Promise<string> {
  if (!io.stdin.isTTY) return firstLine(io.stdin);
  const [password, again] = await hiddenAnswers(io, ["Password: ", "Password again: "]);
  if (again !== password) throw new InputError({ password: "the two passwords typed differ" });
  return password;
}
