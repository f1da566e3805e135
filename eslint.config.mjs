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
    // The simulators and the test support are for tests, benchmarks and the demo: nothing the app or the worker
    // runs in production may load them.
    files: ["server/**", "app/**", "components/**", "lib/**", "proxy.ts", "instrumentation.ts"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/simulators/*", "@/test/*", "smtp-server"], message: "Simulators and test support are for tests, benchmarks and the demo only." },
          ],
        },
      ],
    },
  },
  {
    // The sync core sits below the features and the app: the scheduled jobs (server/jobs), alerts, orders, products,
    // settings, overview, the API, Next.js and the simulators build on it, never the other way round. Its tests may
    // reach across.
    files: ["server/sync/**"],
    ignores: ["server/sync/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/server/alerts/*",
                "@/server/jobs/*",
                "@/server/orders/*",
                "@/server/products/*",
                "@/server/settings/*",
                "@/server/overview/*",
                "@/server/api/*",
                "next",
                "next/*",
                "@/simulators/*",
                "@/test/*",
              ],
              message: "server/sync is the core: the features, the app and the simulators import it, not the other way round.",
            },
          ],
        },
      ],
    },
  },
  {
    // Pages and components reach data through tRPC or a server module of their feature, never the database itself.
    // lib/ is shared with the browser, so it imports no server module at all.
    files: ["app/**", "components/**", "lib/**"],
    ignores: ["app/api/**", "**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/server/db", "@prisma/*", "@/simulators/*", "@/test/*", "smtp-server"], message: "Pages and components read data through tRPC or a feature's server module, not the database." },
            // Prisma's enums file is plain constants (no client, no database): the settings schema in lib/ takes its
            // choices from it, so the form and the database agree. Everything else Prisma generates stays out.
            { regex: "^@/server/generated/(?!prisma/enums$)", message: "Pages and components read data through tRPC or a feature's server module, not the database." },
          ],
        },
      ],
    },
  },
];

export default config;
