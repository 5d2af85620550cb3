"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON } from "./button-styles";
import { requestAdminJson } from "./send-admin-request";

/** Checks a domain's TXT record now, and says what the check found. */
export function CheckDomainButton({ slug, domain }: { slug: string; domain: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function check() {
    setPending(true);
    const outcome = await requestAdminJson<{ verified: boolean; code?: string; message?: string }>(`/api/organisations/${encodeURIComponent(slug)}/domains/${encodeURIComponent(domain)}/verify`, "POST", {});
    setPending(false);
    setMessage(!outcome.ok ? outcome.message : outcome.value.verified ? null : `${outcome.value.code}: ${outcome.value.message}`);
    router.refresh();
  }

  return (
    <span className="inline-flex flex-col gap-1">
      <button type="button" aria-label={`Check ${domain}'s DNS record`} className={BUTTON.secondary} disabled={pending} onClick={check}>
        Check DNS
      </button>
      {message ? (
        <span role="alert" className="text-xs text-amber-800">
          {message}
        </span>
      ) : null}
    </span>
  );
}
