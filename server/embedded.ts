import "server-only";
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

// The embedded default: PGlite (PostgreSQL compiled to WebAssembly) served on loopback by pglite-socket, so the
// app, the CLI and the migrations reach it through the same `pg` driver and SQL as a real PostgreSQL.
// PGlite is a single session: the socket server queues queries and keeps a transaction on its own connection.

export interface EmbeddedDatabase {
  url: string;
  /** false when another process already serves this data folder and we only connect to it */
  owned: boolean;
  stop(): Promise<void>;
}

/** Where the embedded database lives unless EMBEDDED_DATA_DIR says otherwise. */
export const defaultDataDir = () => path.resolve(process.cwd(), ".data", "pglite");

const serverFile = (dataDir: string) => path.join(path.dirname(dataDir), "pglite-server.json");

/** Whether something accepts TCP connections at host:port (within a second and a half). */
export function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.setTimeout(1500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const urlFor = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres`;

export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const file = serverFile(dataDir);
  if (existsSync(file)) {
    const { port, pid } = JSON.parse(readFileSync(file, "utf8")) as { port: number; pid: number };
    if (pid !== process.pid && (await portAnswers("127.0.0.1", port))) {
      return { url: urlFor(port), owned: false, stop: async () => {} };
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(dataDir);
  // Port 0: a free port, never 5432, which the machine's own PostgreSQL may use.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 16 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  writeFileSync(file, JSON.stringify({ port, pid: process.pid }));
  return {
    url: urlFor(port),
    owned: true,
    async stop() {
      await server.stop();
      await db.close();
      rmSync(file, { force: true });
    },
  };
}
