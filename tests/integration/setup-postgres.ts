import type { TestProject } from "vitest/node";
import { migrate } from "../support/migrate";

export default function setup(project: TestProject) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error(
      "DATABASE_URL is not set: the integration suite runs against a real PostgreSQL server. Set DATABASE_URL=postgresql://USER:PASSWORD@127.0.0.1:5432/DB (.ci/run creates one).",
    );
  }
  migrate(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("poolMax", 10);
  project.provide("multipleInstances", true);
}
