// `import "server-only"` marks the modules a browser bundle must never include: Next.js fails the build when a
// client component reaches one. Outside Next.js (the CLI, the worker, the scripts, the tests) there is no browser
// to protect, so this hook resolves the marker to its empty module. Loaded with `node --import`.
import { registerHooks } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const empty = pathToFileURL(path.join(root, "node_modules", "server-only", "empty.js")).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "server-only") return { url: empty, format: "commonjs", shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
