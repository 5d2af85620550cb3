"use client";

import { useEffect, useState } from "react";

/**
 * Hands the setup link's token (in the address's fragment, which no server sees) to
 * POST /api/setup/open, which keeps it in an HttpOnly cookie, then reloads the page without
 * it: the token leaves the address bar, the history and any later Referer.
 */
export function SetupLinkOpener() {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const token = window.location.hash.slice(1);
    if (!token) return;
    window.history.replaceState(null, "", "/setup");
    void fetch("/api/setup/open", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) })
      .then(async (response) => {
        if (response.ok) return window.location.replace("/setup");
        const body = (await response.json().catch(() => null)) as { message?: string } | null;
        setProblem(body?.message ?? `The setup link could not be opened (HTTP ${response.status}).`);
      })
      .catch(() => setProblem("The setup link could not be opened: the console did not answer. Try again."));
  }, []);
  return problem ? (
    <p role="alert" data-testid="setup-link-problem" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-amber-900">
      {problem}
    </p>
  ) : null;
}
