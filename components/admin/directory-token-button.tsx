"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "./button-styles";
import { ConfirmDialog } from "./confirm-dialog";
import { requestAdminJson } from "./send-admin-request";

/** Makes a directory token for the organisation's SCIM provisioning and shows it, once, with the base URL. */
export function DirectoryTokenButton({ slug, name }: { slug: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [made, setMade] = useState<{ token: string; scimBaseUrl: string } | null>(null);

  async function create() {
    const outcome = await requestAdminJson<{ token: string; scimBaseUrl: string }>(`/api/organisations/${encodeURIComponent(slug)}/directory-tokens`, "POST", {});
    if (!outcome.ok) return outcome.message;
    setMade(outcome.value);
    router.refresh();
    return null;
  }

  return (
    <>
      <button type="button" aria-label={`Create a directory token for ${name}`} className={BUTTON.secondary} onClick={() => setOpen(true)}>
        Create directory token
      </button>
      {open ? (
        <ConfirmDialog title={`A directory token for ${name}?`} confirmLabel="Create" onConfirm={create} onClose={() => setOpen(false)}>
          <p>Your directory (Entra ID, Okta) uses it to provision and deprovision {name}&apos;s people by SCIM. It is shown once.</p>
        </ConfirmDialog>
      ) : null}
      {made ? (
        <p className="mt-2 space-y-1 text-sm" data-testid="directory-token-created">
          <span className="block">SCIM base URL: <code className="font-mono">{made.scimBaseUrl}</code>. The token, shown once:</span>
          <input readOnly value={made.token} aria-label="Directory token" className="block w-full max-w-2xl rounded-md border border-slate-300 px-2 py-1 font-mono text-xs" onFocus={(event) => event.target.select()} />
        </p>
      ) : null}
    </>
  );
}

/** Revokes one directory token: the directory's next request is refused. */
export function RevokeDirectoryTokenButton({ slug, tokenId, name }: { slug: string; tokenId: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);

  async function revoke() {
    const outcome = await requestAdminJson(`/api/organisations/${encodeURIComponent(slug)}/directory-tokens/${encodeURIComponent(tokenId)}`, "DELETE");
    router.refresh();
    return outcome.ok ? null : outcome.message;
  }

  return (
    <>
      <button type="button" aria-label={`Revoke the directory token ${name}`} className={BUTTON.dangerOutline} onClick={() => setOpen(true)}>
        Revoke
      </button>
      {open ? (
        <ConfirmDialog title={`Revoke ${name}?`} confirmLabel="Revoke" tone="danger" onConfirm={revoke} onClose={() => setOpen(false)}>
          <p>The directory&apos;s next SCIM request with it is refused (on every instance within 2 seconds).</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
