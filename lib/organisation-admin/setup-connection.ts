import "server-only";
import type { Db } from "../db";
import type { Env } from "../config/env";
import type { Connection } from "../organisations/connection";
import { findConnection } from "../organisations/find-connection";
import { setupLinkCookieName } from "./setup-link-cookie";
import { openSetupLink, type SetupLink, type SetupLinkRefusal } from "./setup-links";

type Cookies = { get(name: string): { value: string } | undefined };

/** The setup link this browser opened (its cookie), while it is usable. */
export function setupLinkOfRequest(db: Db, env: Pick<Env, "secureCookies">, cookies: Cookies) {
  return openSetupLink(db, cookies.get(setupLinkCookieName(env.secureCookies))?.value);
}

/**
 * The setup link this browser holds and the connection it saved (disabled until activation,
 * so the ordinary sign-in refuses it: only the link's test sign-in may use it).
 */
export async function setupConnectionOf(db: Db, env: Env, cookies: Cookies): Promise<{ ok: true; link: SetupLink; connection: Connection | null } | { ok: false; code: SetupLinkRefusal }> {
  const opened = await setupLinkOfRequest(db, env, cookies);
  if (!opened.ok) return opened;
  const connection = opened.link.connectionId ? await findConnection(db, env, opened.link.connectionId) : null;
  return { ok: true, link: opened.link, connection };
}
