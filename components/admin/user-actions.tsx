"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/roles/roles";
import { BUTTON } from "./button-styles";
import { ConfirmDialog } from "./confirm-dialog";
import { sendAdminRequest } from "./send-admin-request";

export type ActionableUser = {
  id: string;
  /** How the dialogs and the buttons' accessible names call the user. */
  label: string;
  role: Role;
  status: "active" | "disabled";
  version: number;
  activeSessions: number;
  activeApiTokens: number;
};

type Props = { user: ActionableUser; rolesManagedByIdp: boolean };

/**
 * "Change role" and "Disable"/"Enable" for one user, each behind a confirmation dialog. The
 * change carries the version the page was rendered with: if someone changed the user since,
 * the API refuses (409 conflict) and the page reloads its data either way.
 */
export function UserActions({ user, rolesManagedByIdp }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState<"role" | "status" | null>(null);
  const [role, setRole] = useState<Role>(user.role);
  const roleFieldId = useId();

  async function change(body: { role: Role } | { disabled: boolean }) {
    const failure = await sendAdminRequest(`/api/users/${encodeURIComponent(user.id)}`, "PATCH", { ...body, version: user.version });
    router.refresh();
    return failure;
  }

  const disabling = user.status === "active";
  const sessions = user.activeSessions + user.activeApiTokens;
  return (
    <div className="flex flex-wrap gap-2">
      {rolesManagedByIdp ? null : (
        <button
          type="button"
          className={BUTTON.secondary}
          onClick={() => {
            setRole(user.role);
            setOpen("role");
          }}
        >
          Change role<span className="sr-only"> of {user.label}</span>
        </button>
      )}
      <button type="button" className={disabling ? BUTTON.dangerOutline : BUTTON.secondary} onClick={() => setOpen("status")}>
        {disabling ? "Disable" : "Enable"}
        <span className="sr-only"> {user.label}</span>
      </button>

      {open === "role" ? (
        <ConfirmDialog
          title={`Change the role of ${user.label}`}
          confirmLabel="Change role"
          canConfirm={role !== user.role}
          onConfirm={() => change({ role })}
          onClose={() => setOpen(null)}
        >
          <p>
            Now: <strong>{ROLE_LABELS[user.role]}</strong>. The new role applies to their next request, on every instance within 2 seconds.
          </p>
          <div className="space-y-1">
            <label htmlFor={roleFieldId} className="block font-medium text-slate-900">
              New role
            </label>
            <select
              id={roleFieldId}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {ROLE_LABELS[option]}
                </option>
              ))}
            </select>
          </div>
        </ConfirmDialog>
      ) : null}

      {open === "status" ? (
        <ConfirmDialog
          title={disabling ? `Disable ${user.label}?` : `Enable ${user.label}?`}
          confirmLabel={disabling ? "Disable" : "Enable"}
          tone={disabling ? "danger" : "primary"}
          onConfirm={() => change({ disabled: disabling })}
          onClose={() => setOpen(null)}
        >
          <p>
            {disabling
              ? `They are signed out at once: ${sessions === 0 ? "they have no active session or API token" : `${sessions} active ${sessions === 1 ? "session or API token ends" : "sessions and API tokens end"}`}, and they cannot sign in until enabled again.`
              : "They can sign in again. Sessions and API tokens ended when they were disabled stay ended."}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
