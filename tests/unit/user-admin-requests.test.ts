import { describe, expect, it } from "vitest";
import { parseSessionRevocationRequest } from "@/lib/admin/session-revocation-request";
import { API_ERRORS, ERROR_CODE_HEADER, apiError } from "@/lib/errors/api-errors";
import { parseUserChangeRequest } from "@/lib/admin/user-change-request";

describe("PATCH /api/users/:id's body", () => {
  it("takes a role, disabled, or both, with the version read", () => {
    expect(parseUserChangeRequest({ role: "campaign_manager", version: 3 })).toEqual({ ok: true, change: { role: "campaign_manager", version: 3 } });
    expect(parseUserChangeRequest({ disabled: true, version: 1 })).toEqual({ ok: true, change: { disabled: true, version: 1 } });
    expect(parseUserChangeRequest({ role: "admin", disabled: false, version: 7 })).toEqual({ ok: true, change: { role: "admin", disabled: false, version: 7 } });
  });

  it("refuses a body without a version, or with nothing to change", () => {
    expect(parseUserChangeRequest({ role: "viewer" })).toEqual({ ok: false, message: "version (the user's version you read) is required, a whole number" });
    expect(parseUserChangeRequest({ role: "viewer", version: 0 })).toEqual({ ok: false, message: "version must be at least 1" });
    expect(parseUserChangeRequest({ role: "viewer", version: 1.5 })).toEqual({ ok: false, message: "version must be a whole number" });
    expect(parseUserChangeRequest({ role: "viewer", version: "2" })).toMatchObject({ ok: false });
    expect(parseUserChangeRequest({ version: 2 })).toEqual({ ok: false, message: "nothing to change: send role, disabled or both" });
  });

  it("refuses unknown roles, a non-boolean disabled, misspelt fields and non-objects", () => {
    expect(parseUserChangeRequest({ role: "root", version: 1 })).toEqual({ ok: false, message: "role must be one of admin, campaign_manager, viewer" });
    expect(parseUserChangeRequest({ disabled: "yes", version: 1 })).toEqual({ ok: false, message: "disabled must be true or false" });
    expect(parseUserChangeRequest({ disable: true, version: 1 })).toEqual({ ok: false, message: "unknown field disable: send role, disabled and version" });
    for (const body of [null, [], "role=admin", 42]) expect(parseUserChangeRequest(body), JSON.stringify(body)).toEqual({ ok: false, message: "the body must be a JSON object" });
  });
});

describe("POST /api/users/:id/revoke-sessions's body", () => {
  it("is nothing (every session) or one familyId", () => {
    expect(parseSessionRevocationRequest("")).toEqual({ ok: true });
    expect(parseSessionRevocationRequest("{}")).toEqual({ ok: true });
    expect(parseSessionRevocationRequest('{"familyId":"fam1"}')).toEqual({ ok: true, familyId: "fam1" });
  });

  it("refuses a body it cannot read instead of revoking everything", () => {
    expect(parseSessionRevocationRequest("familyId=fam1")).toEqual({ ok: false, message: 'the body must be JSON: {} or {"familyId": "…"}' });
    expect(parseSessionRevocationRequest('{"familyID":"fam1"}')).toEqual({ ok: false, message: "unknown field familyID: send familyId, or nothing" });
    expect(parseSessionRevocationRequest('{"familyId":""}')).toEqual({ ok: false, message: "familyId must not be empty" });
    expect(parseSessionRevocationRequest('{"familyId":7}')).toEqual({ ok: false, message: "familyId must be a string" });
    expect(parseSessionRevocationRequest("null")).toEqual({ ok: false, message: "the body must be a JSON object" });
  });
});

describe("the user administration's refusals", () => {
  it("answer JSON with a stable code and the code's status", async () => {
    const codes = ["invalid_request", "not_found", "last_admin", "conflict", "role_managed_by_idp"] as const;
    expect(Object.fromEntries(codes.map((code) => [code, API_ERRORS[code].status]))).toEqual({ invalid_request: 400, not_found: 404, last_admin: 409, conflict: 409, role_managed_by_idp: 409 });
    const response = apiError("last_admin");
    expect(response.status).toBe(409);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect(response.headers.get(ERROR_CODE_HEADER)).toBe("last_admin");
    expect(await response.json()).toEqual({ error: "last_admin", message: API_ERRORS.last_admin.message });
    expect(await apiError("invalid_request", { message: "limit must be at least 1" }).json()).toEqual({ error: "invalid_request", message: "limit must be at least 1" });
  });
});
