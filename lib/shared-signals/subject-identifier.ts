/**
 * The subject identifiers (RFC 9493) a revocation may name the person by: the IdP's issuer and
 * subject, an email address, or an opaque id (taken to be the IdP's subject, as Okta sends its
 * user ids). SSF's complex subjects are read by their `user` member; the person's every session
 * ends, not only the one a `session` member may name.
 */
export type SubjectIdentifier = { format: "iss_sub"; iss: string; sub: string } | { format: "email"; email: string } | { format: "opaque"; id: string };

export type SubjectParse = { ok: true; subject: SubjectIdentifier } | { ok: false; description: string };

const MAX_LENGTH = 1024;
const text = (value: unknown): value is string => typeof value === "string" && value.length > 0 && value.length <= MAX_LENGTH;

export function subjectIdentifierOf(value: unknown): SubjectParse {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, description: "the subject must be an object (RFC 9493)" };
  const subject = value as Record<string, unknown>;
  if (subject.format === undefined && subject.user !== undefined) return subjectIdentifierOf(subject.user);
  switch (subject.format) {
    case "iss_sub":
      return text(subject.iss) && text(subject.sub) ? { ok: true, subject: { format: "iss_sub", iss: subject.iss, sub: subject.sub } } : { ok: false, description: "an iss_sub subject needs iss and sub strings" };
    case "email":
      return text(subject.email) && subject.email.includes("@") ? { ok: true, subject: { format: "email", email: subject.email } } : { ok: false, description: "an email subject needs an email address" };
    case "opaque":
      return text(subject.id) ? { ok: true, subject: { format: "opaque", id: subject.id } } : { ok: false, description: "an opaque subject needs an id string" };
    default:
      return { ok: false, description: `subject format ${JSON.stringify(subject.format ?? null).slice(0, 40)} is not supported (iss_sub, email, opaque)` };
  }
}
