import "server-only";
import type { Db } from "./db";
import type { IdentityProvider } from "./oidc/identity-provider";

const DATABASE_TIMEOUT_MS = 2000;

export type Health = { status: "ok" | "degraded"; database: "ok" | "unreachable" };

/** Resolves within `ms` or rejects: a check must answer even when what it checks hangs. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function databaseAnswers(db: () => Db): Promise<boolean> {
  try {
    await within(db().$queryRaw`SELECT 1`, DATABASE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

/** The app answers and its database does, within a bound (GET /api/health). */
export async function checkHealth(db: () => Db): Promise<Health> {
  return (await databaseAnswers(db)) ? { status: "ok", database: "ok" } : { status: "degraded", database: "unreachable" };
}

export type Readiness = {
  status: "ready" | "not_ready";
  database: "ok" | "unreachable";
  /** "ok": the discovery document was fetched successfully within its TTL (fetched now if it was not). */
  identityProvider: "ok" | "unreachable";
  /** The instance received SIGTERM and is finishing its requests: send it no more. */
  shuttingDown: boolean;
};

/**
 * Readiness for a load balancer (GET /api/health/ready): the database answers, the IdP's
 * discovery document is fresh (a sign-in could start), and the instance is not shutting down.
 */
export async function checkReadiness(db: () => Db, idp: () => IdentityProvider, shuttingDown: boolean): Promise<Readiness> {
  const [database, identityProvider] = await Promise.all([
    databaseAnswers(db),
    idp()
      .metadata()
      .then(() => true, () => false),
  ]);
  const ready = database && identityProvider && !shuttingDown;
  return { status: ready ? "ready" : "not_ready", database: database ? "ok" : "unreachable", identityProvider: identityProvider ? "ok" : "unreachable", shuttingDown };
}
