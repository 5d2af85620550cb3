import "server-only";
import { auditActorId, recordAuditEvent } from "../audit/audit-events";
import type { Db } from "../db";
import type { Env } from "../config/env";
import { secureEndpoint } from "../oidc/identity-provider";
import { ENVIRONMENT_CONNECTION_ID, OPERATOR_ORGANISATION_ID } from "../organisations/operator-organisation";
import type { AdminContext, AdminOutcome } from "./organisation-admin";

export type SignalStream = { id: string; connectionId: string; issuer: string; jwksUri: string; audience: string; createdAt: Date };

const COLUMNS = { id: true, connectionId: true, issuer: true, jwksUri: true, audience: true, createdAt: true } as const;

/** Where a connection's IdP sends Universal Logout requests (and the `aud` their JWT must carry). */
export function universalLogoutEndpoint(appUrl: string, connectionId: string): string {
  return `${appUrl}/api/universal-logout/${encodeURIComponent(connectionId)}`;
}

/** Where the transmitter pushes the stream's SETs (its delivery `endpoint_url`). */
export function signalStreamEndpoint(appUrl: string, streamId: string): string {
  return `${appUrl}/api/shared-signals/${encodeURIComponent(streamId)}`;
}

export type NewSignalStream = { connectionId: string; issuer: string; jwksUri: string; audience?: string };

/**
 * A Shared Signals stream for one of the organisation's connections: the transmitter's issuer
 * (the SETs' `iss`), its JWKS URL (https, or http on loopback for a loopback issuer, as an
 * IdP's endpoints), and the audience it writes (the stream's endpoint URL unless given).
 */
export async function addSignalStream(db: Db, env: Pick<Env, "authUrl">, organisationId: string, input: NewSignalStream, context: AdminContext): Promise<AdminOutcome<SignalStream & { endpoint: string }>> {
  const ofOrganisation =
    input.connectionId === ENVIRONMENT_CONNECTION_ID ? organisationId === OPERATOR_ORGANISATION_ID : (await db.connection.count({ where: { id: input.connectionId, organisationId } })) > 0;
  if (!ofOrganisation) return { ok: false, code: "connection_not_found", message: "no such connection in this organisation" };
  if (!URL.canParse(input.issuer)) return { ok: false, code: "invalid_request", message: "the transmitter's issuer must be a URL, e.g. https://example.okta.com" };
  if (!secureEndpoint(input.issuer, input.issuer)) return { ok: false, code: "invalid_request", message: "the transmitter's issuer must be https (http only on loopback)" };
  if (!secureEndpoint(input.jwksUri, input.issuer)) return { ok: false, code: "invalid_request", message: "the transmitter's JWKS URL must be https (http only on loopback, for a loopback issuer)" };
  const audience = input.audience?.trim();
  if (audience !== undefined && (audience.length === 0 || audience.length > 500)) return { ok: false, code: "invalid_request", message: "the audience is 1 to 500 characters" };
  const stream = await db.$transaction(async (tx) => {
    const created = await tx.signalStream.create({ data: { connectionId: input.connectionId, issuer: input.issuer, jwksUri: input.jwksUri, audience: "", createdBy: auditActorId(context.actor) }, select: { id: true } });
    const row = await tx.signalStream.update({ where: { id: created.id }, data: { audience: audience ?? signalStreamEndpoint(env.authUrl, created.id) }, select: COLUMNS });
    await recordAuditEvent(tx, { actor: context.actor, action: "signal_stream_added", organisationId, detail: { streamId: row.id, connectionId: row.connectionId, issuer: row.issuer }, request: context.request });
    return row;
  });
  return { ok: true, value: { ...stream, endpoint: signalStreamEndpoint(env.authUrl, stream.id) } };
}

/** The organisation's streams, by connection. */
export async function listSignalStreams(db: Db, env: Pick<Env, "authUrl">, organisationId: string): Promise<(SignalStream & { endpoint: string })[]> {
  const connections = await db.connection.findMany({ where: { organisationId }, select: { id: true } });
  const ids = [...connections.map((connection) => connection.id), ...(organisationId === OPERATOR_ORGANISATION_ID ? [ENVIRONMENT_CONNECTION_ID] : [])];
  const streams = await db.signalStream.findMany({ where: { connectionId: { in: ids } }, select: COLUMNS, orderBy: { createdAt: "asc" } });
  return streams.map((stream) => ({ ...stream, endpoint: signalStreamEndpoint(env.authUrl, stream.id) }));
}

/** Ends a stream: its endpoint refuses every SET from now on. */
export async function removeSignalStream(db: Db, env: Pick<Env, "authUrl">, organisationId: string, streamId: string, context: AdminContext): Promise<AdminOutcome<{ id: string }>> {
  const streams = await listSignalStreams(db, env, organisationId);
  const stream = streams.find((candidate) => candidate.id === streamId);
  if (!stream) return { ok: false, code: "not_found", message: "no such Shared Signals stream in this organisation" };
  await db.$transaction(async (tx) => {
    await tx.signalStream.delete({ where: { id: streamId } });
    await recordAuditEvent(tx, { actor: context.actor, action: "signal_stream_removed", organisationId, detail: { streamId, connectionId: stream.connectionId }, request: context.request });
  });
  return { ok: true, value: { id: streamId } };
}

export async function findSignalStream(db: Db, streamId: string): Promise<SignalStream | null> {
  if (streamId.length > 64) return null;
  return db.signalStream.findUnique({ where: { id: streamId }, select: COLUMNS });
}
