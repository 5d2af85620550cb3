import { Prisma } from "@prisma/client";

/** A write refused by a unique index: a race lost, or a value someone else has (Prisma's P2002; raw SQL reports PostgreSQL's 23505 as P2010). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === "P2002" || (error.code === "P2010" && JSON.stringify(error.meta ?? {}).includes("23505"));
}
