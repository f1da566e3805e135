// Runs the vintrace simulator standalone with the demo wineries: `npm run sim:vintrace`.
// PORT (default 4010), HOST (default 127.0.0.1), VINTRACE_SIM_LATENCY_MS (default 0).
import { demoTenants } from "../catalog";
import { startVintraceSimulator } from "./server";

const simulator = await startVintraceSimulator({
  port: Number(process.env.PORT ?? 4010),
  host: process.env.HOST ?? "127.0.0.1",
  seedDemo: true,
  latencyMs: Number(process.env.VINTRACE_SIM_LATENCY_MS ?? 0),
});
console.log(`vintrace simulator on ${simulator.url}`);
for (const tenant of demoTenants) console.log(`  ${tenant.name}: ${simulator.customerUrl(tenant.vintraceCode)} (token ${tenant.vintraceToken})`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void simulator.close().then(() => process.exit(0)));
}
