"use client";

import { TryAgainButton } from "@/components/try-again-button";

/**
 * Unexpected failures of a page (a bug, not an outage: a database that cannot be reached gives
 * the 503 page, lib/http/service-unavailable.ts). Production errors from the server arrive with a
 * digest only, which the server's log has beside the real message.
 */
export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Something went wrong</h1>
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
        <p className="text-sm">
          The console could not show this page. Try again; if it keeps happening, tell your administrator
          {digest ? (
            <>
              {" "}
              and give them this reference: <code className="font-mono">{digest}</code>
            </>
          ) : null}
          .
        </p>
      </div>
      <TryAgainButton onClick={retry} />
    </section>
  );
}
