"use client";

import { useState } from "react";
import { BUTTON } from "./button-styles";
import { ConfirmDialog } from "./confirm-dialog";
import { requestAdminJson } from "./send-admin-request";

/** Makes a single-use setup link for the organisation's IT admin and shows it, once. */
export function SetupLinkButton({ slug, name }: { slug: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);

  async function create() {
    const outcome = await requestAdminJson<{ url: string; expiresAt: string }>(`/api/organisations/${encodeURIComponent(slug)}/setup-links`, "POST", {});
    if (!outcome.ok) return outcome.message;
    setLink(outcome.value);
    return null;
  }

  return (
    <>
      <button type="button" aria-label={`Create a setup link for ${name}`} className={BUTTON.secondary} onClick={() => setOpen(true)}>
        Create setup link
      </button>
      {open ? (
        <ConfirmDialog title={`A setup link for ${name}?`} confirmLabel="Create" onConfirm={create} onClose={() => setOpen(false)}>
          <p>Whoever opens it within 24 hours can set up a sign-in for {name} and becomes its first admin. It works once. Send it privately.</p>
        </ConfirmDialog>
      ) : null}
      {link ? (
        <p className="mt-2 space-y-1 text-sm" data-testid="setup-link-created">
          <span className="block">Shown once (valid until {link.expiresAt.slice(0, 16).replace("T", " ")} UTC):</span>
          <input readOnly value={link.url} aria-label="Setup link" className="block w-full max-w-2xl rounded-md border border-slate-300 px-2 py-1 font-mono text-xs" onFocus={(event) => event.target.select()} />
        </p>
      ) : null}
    </>
  );
}
