import { Prisma } from "@prisma/client";

/**
 * A timestamp for raw SQL as the columns hold it: UTC without a zone (Prisma's own
 * convention), whatever the database server's time zone; SQL NULL for none.
 */
export function utcTimestamp(date: Date | null | undefined): Prisma.Sql {
  return date ? Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')` : Prisma.sql`NULL::timestamp`;
}
