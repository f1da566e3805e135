// `npm run demo`: the dashboard on the embedded database (or DATABASE_URL), with both simulators and demo data.
import pinoPretty from "pino-pretty";
import { DEMO_LOGINS } from "@/prisma/seed";
import { createPrisma } from "@/server/db";
import { getEnv } from "@/server/env";
import { demoTenants } from "@/simulators/catalog";
import { placeDemoOrders } from "./demo-scenarios";
import { loadLocalSecrets } from "./local-secrets";
import { startStack } from "./stack";

loadLocalSecrets();
// Read (and check) every setting before the database, the simulators or a build.
const port = getEnv().PORT;
const stack = await startStack({
  port,
  simulators: true,
  vintracePort: Number(process.env.VINTRACE_SIM_PORT ?? 4010),
  shopifyPort: Number(process.env.SHOPIFY_SIM_PORT ?? 4020),
  mail: { smtpPort: Number(process.env.MAIL_SIM_SMTP_PORT ?? 2525), httpPort: Number(process.env.MAIL_SIM_PORT ?? 4030), dir: ".data/mail" },
  // The app runs as production, so it writes JSON lines; the demo shows them as readable ones (other lines pass as they are).
  appLog: (stderr) => stderr.pipe(pinoPretty({ colorize: process.stderr.isTTY === true, destination: 2, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" })),
});

// The demo orders (demo-scenarios.ts), on the first run only: one connection is enough for its few reads and writes.
const db = createPrisma({ url: stack.databaseUrl, embedded: true });
const story = await placeDemoOrders({ db, vintrace: stack.vintrace!, shopify: stack.shopify! })
  // The dashboard is worth showing without them.
  .catch((error: unknown) => [`Demo orders: not all placed (${error instanceof Error ? error.message : String(error)}).`])
  .finally(() => db.$disconnect());

console.log(`
${story.join("\n")}

vintrace-sync is running at ${stack.appUrl}

Sign in as:
${DEMO_LOGINS.map((l) => `  ${l.email.padEnd(24)} ${l.password.padEnd(22)} ${l.role === "SUPPORT" ? "Winehub support (every winery)" : `winery owner (${l.shop})`}`).join("\n")}

Simulators: vintrace ${stack.vintrace!.url}   Shopify ${stack.shopify!.url}
Mail (invitations, password resets, alerts): ${stack.mail ? `${stack.mail.httpUrl} (also .data/mail/*.eml)` : `sent through ${process.env.SMTP_URL}`}
Place an order:  SHOPIFY_SIM_URL=${stack.shopify!.url} APP_URL=${stack.appUrl} npm run sim:order -- --shop ${demoTenants[0].shopDomain}
Change one sent:  SHOPIFY_SIM_URL=${stack.shopify!.url} npm run sim:order -- --shop ${demoTenants[0].shopDomain} --cancel "#1001"   (or --refund, --edit: --help)
Press Ctrl+C to stop. Data stays in .data/ for the next run.
`);

// Ctrl+C signals every process of the terminal's group, and the npm script's launcher passes it on as well: stop once.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    void stack.stop().then(() => process.exit(0));
  });
}
