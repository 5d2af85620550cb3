import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// Prisma 6.19's CLI runs its bundled WASM schema engine through a driver adapter
// (`engine: "js"`), so migrations need no Rust engine download. The adapter is
// @prisma/adapter-pg 7.10.1, pinned on purpose: 6.19.3 cannot deserialize PostgreSQL's
// `name` column type during `migrate deploy` (prisma/prisma#27403).
export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error(
        "DATABASE_URL is not set. Set it to postgresql://USER:PASSWORD@HOST:PORT/DB (npm run dev sets it for the embedded database).",
      );
    }
    return new PrismaPg({ connectionString });
  },
});
