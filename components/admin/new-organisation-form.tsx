"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { BUTTON } from "./button-styles";
import { sendAdminRequest } from "./send-admin-request";

const input = "mt-1 block rounded-md border border-slate-300 px-2 py-1 text-sm";

/** The operator's admins add an organisation; its IT admin then gets a setup link. */
export function NewOrganisationForm() {
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    const failure = await sendAdminRequest("/api/organisations", "POST", { slug: String(form.get("slug") ?? ""), name: String(form.get("name") ?? "") });
    setPending(false);
    setProblem(failure);
    if (!failure) {
      event.currentTarget.reset();
      router.refresh();
    }
  }

  return (
    <form onSubmit={create} className="flex flex-wrap items-end gap-3" aria-label="New organisation">
      <label className="text-sm font-medium text-slate-800">
        Slug
        <input name="slug" required pattern="[a-z0-9](?:[a-z0-9\-]{0,38}[a-z0-9])?" placeholder="acme" className={input} />
      </label>
      <label className="text-sm font-medium text-slate-800">
        Name
        <input name="name" required maxLength={200} placeholder="Acme Ltd" className={input} />
      </label>
      <button type="submit" className={BUTTON.primary} disabled={pending}>
        Add organisation
      </button>
      {problem ? (
        <p role="alert" className="w-full text-sm text-amber-800">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
