"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "./button-styles";
import { ConfirmDialog } from "./confirm-dialog";
import { sendAdminRequest } from "./send-admin-request";

type Props = {
  userId: string;
  /** One session or API token; without it, all of the user's ("sign out everywhere"). */
  familyId?: string;
  /** The button's text; its accessible name adds `what`. */
  label: string;
  /** What is ended, for the dialog and screen readers ("the API token created 2026-11-28 09:41 UTC"). */
  what: string;
};

/** Ends one session or API token of a user, or all of them, after a confirmation. */
export function RevokeSessionsButton({ userId, familyId, label, what }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);

  async function revoke() {
    const failure = await sendAdminRequest(`/api/users/${encodeURIComponent(userId)}/revoke-sessions`, "POST", familyId ? { familyId } : {});
    router.refresh();
    return failure;
  }

  return (
    <>
      {/* The visible label starts the accessible name, which says which session it ends. */}
      <button type="button" aria-label={`${label}: ${what}`} className={familyId ? BUTTON.dangerOutline : BUTTON.danger} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open ? (
        <ConfirmDialog title={`${label}?`} confirmLabel={label} tone="danger" onConfirm={revoke} onClose={() => setOpen(false)}>
          <p>
            This ends {what} at once: its next request is refused (within 2 seconds on every instance).
            {familyId ? " API tokens created from a browser sign-in end with it." : " They stay able to sign in again."}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
