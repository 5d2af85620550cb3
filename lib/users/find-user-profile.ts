import "server-only";
import type { Db } from "../db";

export type UserProfile = {
  id: string;
  email: string | null;
  name: string | null;
  role: "admin" | "campaign_manager" | "viewer";
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
};

/** The user as the API and the profile page show it. */
export function findUserProfile(db: Db, userId: string): Promise<UserProfile | null> {
  return db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, createdAt: true, updatedAt: true, lastLoginAt: true },
  });
}
