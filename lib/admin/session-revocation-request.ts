import { z } from "zod";

export type SessionRevocationRequestParse = { ok: true; familyId?: string } | { ok: false; message: string };

const schema = z.strictObject(
  { familyId: z.string({ error: "familyId must be a string" }).min(1, "familyId must not be empty").max(64, "familyId is at most 64 characters").optional() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.join(", ")}: send familyId, or nothing` : "the body must be a JSON object") },
);

/**
 * The body of POST /api/users/:id/revoke-sessions: nothing (every session and API token of
 * the user) or `{ "familyId": … }` (that one). A body that is there but unreadable is refused:
 * reading it as "nothing" would end every session of the user instead of one.
 */
export function parseSessionRevocationRequest(body: string): SessionRevocationRequestParse {
  if (body.trim() === "") return { ok: true };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, message: "the body must be JSON: {} or {\"familyId\": \"…\"}" };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join("; ") };
  return { ok: true, familyId: parsed.data.familyId };
}
