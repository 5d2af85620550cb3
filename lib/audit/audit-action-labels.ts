import type { AuditAction } from "./audit-events";

/** What each action is called on the audit page (its filter and its table). */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  sign_in_succeeded: "Signed in",
  sign_in_refused: "Sign-in refused",
  sign_out: "Signed out",
  sign_out_everywhere: "Signed out everywhere",
  api_token_minted: "API token created",
  refresh_token_reused: "Refresh token reused",
  backchannel_logout: "Logged out by the identity provider",
  role_changed: "Role changed",
  user_disabled: "User disabled",
  user_enabled: "User enabled",
  sessions_revoked: "Sessions revoked",
  access_revoked: "Access revoked",
  organisation_created: "Organisation created",
  domain_added: "Domain added",
  domain_verified: "Domain verified",
  domain_check_failed: "Domain check failed",
  connection_added: "Connection added",
  connection_disabled: "Connection disabled",
  connection_enabled: "Connection enabled",
  connection_changed: "Connection changed",
  setup_link_created: "Setup link created",
  setup_test_sign_in: "Setup: test sign-in",
  setup_completed: "Setup completed",
  directory_token_created: "Directory token created",
  directory_token_rotated: "Directory token rotated",
  directory_token_revoked: "Directory token revoked",
  scim_user_created: "Provisioned by the directory",
  scim_user_changed: "Changed by the directory",
  scim_user_deprovisioned: "Deprovisioned by the directory",
  scim_user_reactivated: "Reactivated by the directory",
  scim_user_deleted: "Deleted by the directory",
  scim_group_changed: "Group changed by the directory",
  directory_group_role_set: "Directory group's role set",
  signal_stream_added: "Shared Signals stream added",
  signal_stream_removed: "Shared Signals stream removed",
};

/** The label of a recorded action; an action written by a later version shows as it is stored. */
export function auditActionLabel(action: string): string {
  return Object.hasOwn(AUDIT_ACTION_LABELS, action) ? AUDIT_ACTION_LABELS[action as AuditAction] : action;
}
