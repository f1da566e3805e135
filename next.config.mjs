/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Server-only packages that must not be bundled (native binaries, WebAssembly, dynamic requires).
  serverExternalPackages: ["@node-rs/argon2", "@electric-sql/pglite", "@electric-sql/pglite-socket", "pg", "@prisma/adapter-pg", "nodemailer", "smtp-server"],
  typedRoutes: false,
  // `npm run typecheck` (and CI) check types once for the whole project; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Shopify opens the app at application_url (shopify.app.toml: the site's root) with a signed shop, host, timestamp
  // and hmac: that request goes to the launch route, which verifies it; the root without them is the dashboard.
  async rewrites() {
    return {
      beforeFiles: [
        {
          source: "/",
          has: [
            { type: "query", key: "shop" },
            { type: "query", key: "hmac" },
          ],
          destination: "/api/shopify/launch",
        },
      ],
    };
  },
};

export default nextConfig;
