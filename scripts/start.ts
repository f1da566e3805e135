// `npm start`: the app on DATABASE_URL (or the embedded database), migrations applied first. No simulators, no demo
// data, nothing from the development dependencies: it runs after `npm ci && npm run build && npm prune --omit=dev`.
// It serves the build `npm run build` made and never writes into the folder, so it also runs from a read-only one.
// Only outside production, where no build is wanted by hand, does it build one itself.
import { getEnv } from "@/server/env";
import { loadLocalSecrets } from "./local-secrets";
import { buildState, startStack } from "./stack";

loadLocalSecrets();
// Read (and check) every setting before the database or a build: an invalid one stops here, naming it.
const env = getEnv();
const production = env.NODE_ENV === "production";
const { state, built, revision } = buildState();
if (state === "missing" && production) {
  console.error("There is no build of the app here. Run `npm run build` first (it needs the development dependencies), then `npm start`.");
  process.exit(2);
}
if (state === "stale" && production) {
  console.warn(`Warning: the build is of revision ${built}, the code checked out is ${revision}. Serving the build; run \`npm run build\` to serve the code.`);
}
const stack = await startStack({ port: env.PORT, host: env.HOST, simulators: false, build: production ? "never" : "if-needed" });
console.log(`vintrace-sync is running at ${stack.appUrl} (listening on ${env.HOST}:${env.PORT})`);
// A process manager signals the whole group, and the npm script's launcher passes the signal on as well: stop once.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().then(() => process.exit(0));
  });
}
