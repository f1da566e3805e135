import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// `npm start` runs after `npm prune --omit=dev`: everything it loads must be our code or a production dependency,
// and none of it may be the simulators, the demo seed or the test helpers. This follows the static imports from
// scripts/start.ts (dynamic `import()`, which the stack uses for the simulators only on request, and `import type`
// are not loads at start).

const root = path.resolve(import.meta.dirname, "..");
const staticImport = /^\s*import\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = specifier.startsWith("@/") ? path.join(root, specifier.slice(2)) : path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}.js`, path.join(base, "index.ts")]) {
    if (existsSync(candidate) && !candidate.endsWith(path.sep) && /\.(ts|tsx|mjs|js)$/.test(candidate)) return candidate;
  }
  return undefined;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function loadsFrom(entry: string): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    // Generated code (the Prisma client) is produced by `npm ci` and only loads the Prisma runtime packages.
    if (file.includes(`${path.sep}generated${path.sep}`)) continue;
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(staticImport)) {
      if (specifier.startsWith("node:")) continue;
      if (specifier.startsWith(".") || specifier.startsWith("@/")) {
        const resolved = resolveLocal(file, specifier);
        if (!resolved) throw new Error(`${path.relative(root, file)} imports ${specifier}, which does not resolve`);
        pending.push(resolved);
      } else {
        packages.add(packageName(specifier));
      }
    }
  }
  return { files: [...files].map((f) => path.relative(root, f)), packages };
}

describe("what npm start loads", () => {
  const { files, packages } = loadsFrom(path.join(root, "scripts", "start.ts"));
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };

  it("loads neither the simulators, the demo seed nor the test helpers", () => {
    expect(files).toContain(path.join("scripts", "stack.ts"));
    expect(files.filter((f) => /^(simulators|test|e2e)\//.test(f) || f === path.join("prisma", "seed.ts"))).toEqual([]);
  });

  it("needs only production dependencies", () => {
    expect(packages.size).toBeGreaterThan(0);
    expect([...packages].filter((name) => !(name in manifest.dependencies))).toEqual([]);
    expect(manifest.dependencies).not.toHaveProperty("smtp-server");
  });
});
