"use client";

import { useState } from "react";

/**
 * Signs out through POST /api/auth/logout, then follows the IdP's logout URL so the
 * identity provider ends its session too (or goes home when it has none).
 */
export function SignOutButton({ everywhere = false }: { everywhere?: boolean }) {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  async function signOut() {
    setPending(true);
    setFailed(false);
    try {
      const response = await fetch("/api/auth/logout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ everywhere }),
      });
      const body = (await response.json().catch(() => ({}))) as { logoutUrl?: string | null };
      window.location.assign(response.ok && body.logoutUrl ? body.logoutUrl : "/");
    } catch {
      setFailed(true);
      setPending(false);
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={signOut}
        disabled={pending}
        className={
          everywhere
            ? "rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:opacity-60"
            : "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
        }
      >
        {everywhere ? "Sign out everywhere" : "Sign out"}
      </button>
      {failed ? (
        <span role="status" className="text-sm text-red-700">
          Could not reach the console. Try again.
        </span>
      ) : null}
    </span>
  );
}
