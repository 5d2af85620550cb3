-- Replayed security tokens are refused per stream or connection they came through, not per
-- issuer claim: another organisation's stream naming the same issuer cannot spend their jtis.
ALTER TABLE "ReceivedSecurityToken" RENAME COLUMN "issuer" TO "sender";
