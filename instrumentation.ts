// Next.js calls register() once when a server instance starts. The sync worker runs in the app by default
// (WORKER_MODE=in-app); web-only instances set WORKER_MODE=off and leave the work to `npm run worker` processes.
// The import sits inside the NEXT_RUNTIME check so the edge bundle never includes the worker.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    if (process.env.NEXT_PHASE === "phase-production-build" || (process.env.WORKER_MODE ?? "in-app") === "off") return;
    const { startInAppWorker } = await import("./server/sync/inApp");
    await startInAppWorker();
  }
}
