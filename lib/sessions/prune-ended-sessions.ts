import "server-only";
import { Prisma } from "@prisma/client";
import { ID_TOKEN_CLOCK_SKEW_SECONDS } from "../oidc/verify-id-token";
import { utcTimestamp } from "../sql-timestamp";

/**
 * The sessions' part of the pruning (lib/maintenance/prune.ts, which says what is kept and
 * why), in the caller's transaction: ended token families, expired refresh tokens, spent
 * back-channel logout `jti`s. Here because this folder alone writes those tables.
 */
export async function pruneEndedSessions(tx: Prisma.TransactionClient, { cutoff, now }: { cutoff: Date; now: Date }) {
  const refreshTokens = await tx.refreshToken.deleteMany({
    where: {
      expiresAt: { lt: cutoff },
      OR: [{ spentAt: null }, { family: { OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }] } }],
    },
  });
  const cutoffTimestamp = utcTimestamp(cutoff);
  const endedBeforeCutoff = Prisma.sql`(("revokedAt" IS NOT NULL AND "revokedAt" < ${cutoffTimestamp}) OR "expiresAt" < ${cutoffTimestamp})`;
  const tokenFamilies = await tx.$executeRaw`
    WITH RECURSIVE kept(id) AS (
      SELECT "parentId" FROM "TokenFamily" WHERE "parentId" IS NOT NULL AND NOT ${endedBeforeCutoff}
      UNION
      SELECT family."parentId" FROM "TokenFamily" family JOIN kept ON family.id = kept.id WHERE family."parentId" IS NOT NULL
    )
    DELETE FROM "TokenFamily" WHERE ${endedBeforeCutoff} AND id NOT IN (SELECT id FROM kept)`;
  const logoutTokensRefusedFrom = new Date(now.getTime() - ID_TOKEN_CLOCK_SKEW_SECONDS * 1000);
  const backchannelLogoutTokens = await tx.backchannelLogoutToken.deleteMany({ where: { expiresAt: { lt: logoutTokensRefusedFrom } } });
  return { tokenFamilies, refreshTokens: refreshTokens.count, backchannelLogoutTokens: backchannelLogoutTokens.count };
}
