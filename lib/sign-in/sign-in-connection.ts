import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import type { SignInFailure } from "../errors/sign-in-failures";
import { getLogger } from "../observability/logger";
import type { Connection } from "../organisations/connection";
import { SecretSealError } from "../organisations/connection-secrets";
import { ConnectionSecretKeyMissingError, findConnection } from "../organisations/find-connection";
import { ENVIRONMENT_CONNECTION_ID } from "../organisations/operator-organisation";

export type ConnectionChoice = { ok: true; connection: Connection } | { ok: false; failure: SignInFailure };

/** Connection ids are cuids (or "oidc"): anything longer is no id of ours, and is not looked up. */
const MAX_CONNECTION_ID_LENGTH = 64;

/**
 * The connection a sign-in starts or completes with: `id`'s, or the environment's when none
 * is named. Unknown and disabled ones are refused alike (connection_unavailable), so the
 * answer does not tell which ids exist; a secret that cannot be opened is the operator's
 * problem (server_error, logged with the variable to fix).
 */
export async function connectionForSignIn(db: Db, env: Env, id: string | null, requestId: string): Promise<ConnectionChoice> {
  const wanted = id ?? ENVIRONMENT_CONNECTION_ID;
  if (wanted.length === 0 || wanted.length > MAX_CONNECTION_ID_LENGTH) return { ok: false, failure: { code: "connection_unavailable", reason: "unknown" } };
  let connection: Connection | null;
  try {
    connection = await findConnection(db, env, wanted);
  } catch (error) {
    if (!(error instanceof ConnectionSecretKeyMissingError || error instanceof SecretSealError)) throw error;
    getLogger().error({ event: "connection_secret_unavailable", connectionId: wanted, code: error.code, msg: error.message, requestId });
    return { ok: false, failure: { code: "server_error", reason: "connection_secret" } };
  }
  if (!connection) return { ok: false, failure: { code: "connection_unavailable", reason: "unknown" } };
  if (!connection.enabled) return { ok: false, failure: { code: "connection_unavailable", reason: "disabled" } };
  return { ok: true, connection };
}
