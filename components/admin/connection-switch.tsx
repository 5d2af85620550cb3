"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "./button-styles";
import { ConfirmDialog } from "./confirm-dialog";
import { sendAdminRequest } from "./send-admin-request";

/** Turns a connection off (its sign-ins refused at once; its sessions ended if the admin chooses) or on again. */
export function ConnectionSwitch({ slug, connectionId, name, enabled }: { slug: string; connectionId: string; name: string; enabled: boolean }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [endSessions, setEndSessions] = useState(false);
  const label = enabled ? "Disable" : "Enable";

  async function change() {
    const failure = await sendAdminRequest(`/api/organisations/${encodeURIComponent(slug)}/connections/${encodeURIComponent(connectionId)}`, "PATCH", { enabled: !enabled, endSessions: !enabled ? false : endSessions });
    router.refresh();
    return failure;
  }

  return (
    <>
      <button type="button" aria-label={`${label} ${name}`} className={enabled ? BUTTON.dangerOutline : BUTTON.secondary} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open ? (
        <ConfirmDialog title={`${label} ${name}?`} confirmLabel={label} tone={enabled ? "danger" : "primary"} onConfirm={change} onClose={() => setOpen(false)}>
          {enabled ? (
            <>
              <p>Its sign-ins are refused from the next request on, on every instance.</p>
              <label className="mt-3 flex items-center gap-2">
                <input type="checkbox" checked={endSessions} onChange={(event) => setEndSessions(event.target.checked)} />
                Also end every session and API token made through it
              </label>
            </>
          ) : (
            <p>Its people can sign in through it again from the next request on.</p>
          )}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
