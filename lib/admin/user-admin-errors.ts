/**
 * Why an administrator's request about users was refused: one code, one HTTP status and one
 * default message each, shared by the API, the console and `npm run users`.
 */
export const USER_ADMIN_ERRORS = {
  invalid_request: { status: 400, message: "The request is malformed." },
  not_found: { status: 404, message: "No such user, or no such session of this user." },
  last_admin: {
    status: 409,
    message: "This is the last active administrator: make someone else an admin first, so that the console keeps one.",
  },
  conflict: {
    status: 409,
    message: "Someone changed this user since you read it (the version you sent is not the current one). Reload and try again.",
  },
  role_managed_by_idp: {
    status: 409,
    message: "Roles are managed by the identity provider: change the user's groups or roles there; they apply at the next sign-in or session renewal.",
  },
} as const;

export type UserAdminErrorCode = keyof typeof USER_ADMIN_ERRORS;

/** The API's JSON refusal: `{ error, message }` with the code's status. */
export function userAdminErrorResponse(code: UserAdminErrorCode, message: string = USER_ADMIN_ERRORS[code].message): Response {
  return Response.json({ error: code, message }, { status: USER_ADMIN_ERRORS[code].status, headers: { "Cache-Control": "no-store" } });
}
