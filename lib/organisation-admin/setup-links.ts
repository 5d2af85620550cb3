import "server-only";
import { randomBytes } from "node:crypto";
import { hashOpaqueToken } from "../opaque-token-hash";
import { auditActorId, recordAuditEvent, type AuditActor } from "../audit/audit-events";
import type { Db } from "../db";
import type { AdminContext, AdminOutcome } from "./organisation-admin";

export const SETUP_LINK_DEFAULT_HOURS = 24;
const SETUP_LINK_MAX_HOURS = 24 * 7;
/** 256 bits, base64url: what createSetupLink makes; anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type SetupLinkRefusal = "setup_link_unknown" | "setup_link_expired" | "setup_link_used";


/**
 * The address the link's holder opens. The token rides in the fragment, which browsers never
 * send: it reaches no access log, proxy or Referer; the page hands it to POST /api/setup/open,
 * which keeps it in an HttpOnly cookie from then on.
 */
export function setupLinkUrl(appUrl: string, token: string): string {
  return `${appUrl}/setup#${token}`;
}

/** Who acts when a setup link's holder does something (they have no account yet). */
export function setupLinkActor(linkId: string): AuditActor {
  return `setup-link:${linkId}`;
}

/**
 * A single-use setup link for `organisationId`, valid `hours` (24 by default, a week at most).
 * The token is answered once and kept as its SHA-256 only: a database read gives no usable link.
 */
export async function createSetupLink(
  db: Db,
  appUrl: string,
  organisationId: string,
  options: { hours?: number },
  context: AdminContext,
): Promise<AdminOutcome<{ id: string; url: string; expiresAt: Date }>> {
  const hours = options.hours ?? SETUP_LINK_DEFAULT_HOURS;
  if (!Number.isInteger(hours) || hours < 1 || hours > SETUP_LINK_MAX_HOURS) {
    return { ok: false, code: "invalid_setup_link", message: `a setup link is valid 1 to ${SETUP_LINK_MAX_HOURS} whole hours` };
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  const createdBy = auditActorId(context.actor);
  const link = await db.$transaction(async (tx) => {
    const row = await tx.setupLink.create({ data: { organisationId, tokenHash: hashOpaqueToken(token), createdBy, expiresAt }, select: { id: true } });
    await recordAuditEvent(tx, { actor: context.actor, action: "setup_link_created", organisationId, detail: { organisationId, setupLinkId: row.id, expiresAt: expiresAt.toISOString() }, request: context.request });
    return row;
  });
  return { ok: true, value: { id: link.id, url: setupLinkUrl(appUrl, token), expiresAt } };
}

const SETUP_LINK_VIEW = {
  id: true,
  organisationId: true,
  expiresAt: true,
  usedAt: true,
  connectionId: true,
  testedAt: true,
  testedSubject: true,
  testedEmail: true,
  testedName: true,
  testedClaims: true,
  testedVersion: true,
  testRefusal: true,
  organisation: { select: { slug: true, name: true } },
} as const;

async function findByToken(db: Db, token: string | undefined) {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return db.setupLink.findUnique({ where: { tokenHash: hashOpaqueToken(token) }, select: SETUP_LINK_VIEW });
}

export type SetupLink = NonNullable<Awaited<ReturnType<typeof findByToken>>>;

/**
 * The setup link a token opens, while it is neither used up nor expired. Refusals name which,
 * for the holder to ask for a new one; an unknown token says nothing more.
 */
export async function openSetupLink(db: Db, token: string | undefined, now: Date = new Date()): Promise<{ ok: true; link: SetupLink } | { ok: false; code: SetupLinkRefusal }> {
  const link = await findByToken(db, token);
  if (!link) return { ok: false, code: "setup_link_unknown" };
  if (link.usedAt) return { ok: false, code: "setup_link_used" };
  if (link.expiresAt <= now) return { ok: false, code: "setup_link_expired" };
  return { ok: true, link };
}
