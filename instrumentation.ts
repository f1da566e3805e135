// Next.js calls register() once when a server instance starts. It reads the settings (an invalid one stops the
// server) and runs the sync worker in the app by default (WORKER_MODE=in-app); web-only instances set
// WORKER_MODE=off and leave the work to `npm run worker` processes.
export async function register(): Promise<void> {
  // Next.js replaces NEXT_RUNTIME at build time, so the edge bundle drops this branch and never includes the worker.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startAppServer } = await import("./server/jobs/in-app");
    await startAppServer();
  }
}
