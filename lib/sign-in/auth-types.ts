import type { DefaultSession } from "next-auth";
import type { Role } from "../roles/roles";

// Typed once here so `session.user.role` and `token.role` are checked everywhere.
declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; familyId: string } & DefaultSession["user"];
  }
  interface User {
    role?: Role;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    role?: Role;
    /** The sign-in's token family (lib/sessions/token-families.ts). */
    familyId?: string;
    /** When the user signed in (seconds): bounds the sliding session. */
    authTime?: number;
  }
}

export {};
