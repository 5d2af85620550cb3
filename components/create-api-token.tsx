"use client";

import { useState } from "react";

type Issued = { access_token: string; expires_in: number; refresh_token: string; refresh_expires_in: number };

function CopyableSecret({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium text-slate-600">{label}</span>
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(value);
            setCopied(true);
          }}
          className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre data-testid={testId} className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
        {value}
      </pre>
    </div>
  );
}

/** Creates an API token and shows it once: it is never stored in readable form. */
export function CreateApiToken({ appUrl }: { appUrl: string }) {
  const [issued, setIssued] = useState<Issued | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function create() {
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/token", { method: "POST" });
      const body = await response.json();
      if (!response.ok) throw new Error(body.message ?? "The token could not be created.");
      setIssued(body as Issued);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The token could not be created.");
    } finally {
      setPending(false);
    }
  }

  return (
    <section aria-labelledby="api-token-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="api-token-heading" className="font-semibold">
        API token
      </h2>
      <p className="text-sm text-slate-600">
        For scripts and services calling the console&apos;s API as you. The access token expires; use the refresh token to get a new pair.
        Signing out revokes both.
      </p>
      <button
        type="button"
        onClick={create}
        disabled={pending}
        className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
      >
        Create API token
      </button>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {issued ? (
        <div className="space-y-3" aria-live="polite">
          <p className="text-sm font-medium text-amber-800">Copy these now: they are shown only once.</p>
          <CopyableSecret label={`Access token (expires in ${Math.round(issued.expires_in / 60)} minutes)`} value={issued.access_token} testId="api-access-token" />
          <CopyableSecret label={`Refresh token (expires in ${Math.round(issued.refresh_expires_in / 86400)} days)`} value={issued.refresh_token} testId="api-refresh-token" />
          <CopyableSecret label="Try it" value={`curl -H "Authorization: Bearer ${issued.access_token}" ${appUrl}/api/auth/me`} testId="api-curl-example" />
        </div>
      ) : null}
    </section>
  );
}
