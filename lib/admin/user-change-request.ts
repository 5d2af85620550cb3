import { z } from "zod";
import { ROLES, type Role } from "../roles/roles";

/** What an administrator changes about a user, and the version of the user they read. */
export type UserChangeRequest = { role?: Role; disabled?: boolean; version: number };

export type UserChangeRequestParse = { ok: true; change: UserChangeRequest } | { ok: false; message: string };

// Strict: a misspelt field ("disable": true) is refused, never silently ignored.
const schema = z.strictObject(
  {
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(", ")}` }).optional(),
    disabled: z.boolean({ error: "disabled must be true or false" }).optional(),
    version: z.number({ error: "version (the user's version you read) is required, a whole number" }).int("version must be a whole number").min(1, "version must be at least 1"),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.join(", ")}: send role, disabled and version` : "the body must be a JSON object") },
);

/** The body of PATCH /api/users/:id (`{ role?, disabled?, version }`), parsed JSON. */
export function parseUserChangeRequest(body: unknown): UserChangeRequestParse {
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join("; ") };
  if (parsed.data.role === undefined && parsed.data.disabled === undefined) return { ok: false, message: "nothing to change: send role, disabled or both" };
  return { ok: true, change: parsed.data };
}
