import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "node_modules/**", "server/generated/**", ".data/**", "e2e/artifacts/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Settings are read in one place, server/env.ts (getEnv()), so every one is validated and documented; values are
    // handed between modules as arguments. Entry points that start processes (scripts, simulators' mains, the
    // benchmarks, the browser tests' setup), config files and the test helpers in test/ may use process.env.
    ignores: ["server/env.ts", "scripts/**", "**/*.config.*", "bench/**", "e2e/**", "test/**", "simulators/*/main.ts", "simulators/shopify/sim-order.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings through getEnv() from server/env.ts (tests: test/env.ts)." },
      ],
    },
  },
  {
    // The sync core sits below the features and the app: the scheduled jobs (server/jobs), alerts, the dashboard,
    // the API, Next.js and the simulators build on it, never the other way round. Its tests and their support
    // (testing.ts, which wires the simulators) may reach across.
    files: ["server/sync/**"],
    ignores: ["server/sync/**/*.test.ts", "server/sync/testing.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/alerts/*", "@/server/jobs/*", "@/server/dashboard/*", "@/server/api/*", "next", "next/*", "@/simulators/*"],
              message: "server/sync is the core: the features, the app and the simulators import it, not the other way round.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
