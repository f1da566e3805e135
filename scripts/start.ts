// `npm start`: the app on DATABASE_URL (or the embedded database), migrations applied first. No simulators.
import { loadLocalSecrets } from "./localSecrets";
import { startStack } from "./stack";

loadLocalSecrets();
const stack = await startStack({ port: Number(process.env.PORT ?? 3000), simulators: false });
console.log(`vintrace-sync is running at ${stack.appUrl}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void stack.stop().then(() => process.exit(0)));
}
