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

/** Asks on the terminal; what is typed is not echoed. */
function hiddenAnswer(io: CliIo, prompt: string): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, next) => next() });
  const rl = createInterface({ input: io.stdin, output: silent, terminal: true });
  io.prompt.write(prompt);
  return new Promise((resolve, reject) => {
    // Ctrl+C while asked: readline would otherwise only pause, and the process would wait for ever.
    rl.on("SIGINT", () => {
      rl.close();
      io.prompt.write("\n");
      reject(new Error("Cancelled; nothing was added."));
    });
    rl.question("", (answer) => {
      rl.close();
      io.prompt.write("\n");
      resolve(answer);
    });
  });
}

export async function readPassword(io: CliIo = { stdin: process.stdin, prompt: process.stderr }): Promise<string> {
  if (!io.stdin.isTTY) return firstLine(io.stdin);
  const password = await hiddenAnswer(io, "Password: ");
  if ((await hiddenAnswer(io, "Password again: ")) !== password) throw new InputError({ password: "the two passwords typed differ" });
  return password;
}
