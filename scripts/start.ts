// `npm start`: the app on DATABASE_URL (or the embedded database), migrations applied first. No simulators.
import { getEnv } from "@/server/env";
import { loadLocalSecrets } from "./local-secrets";
import { startStack } from "./stack";

loadLocalSecrets();
// Read (and check) every setting before the database or a build: an invalid one stops here, naming it.
const stack = await startStack({ port: getEnv().PORT, simulators: false });
console.log(`vintrace-sync is running at ${stack.appUrl}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void stack.stop().then(() => process.exit(0)));
}
