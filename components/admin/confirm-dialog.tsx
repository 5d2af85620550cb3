"use client";

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { BUTTON } from "./button-styles";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: "primary" | "danger";
  /** Whether the confirm button may be pressed yet (e.g. a new role was chosen). */
  canConfirm?: boolean;
  /** Does the change: null when done (the dialog closes), else the message to show in it. */
  onConfirm(): Promise<string | null>;
  /** The dialog closed: confirmed, cancelled, or Escape. */
  onClose(): void;
};

/**
 * A modal confirmation step. The browser's own <dialog> (showModal) keeps focus inside while
 * it is open, puts it on the first control, closes on Escape and gives focus back to the
 * button that opened it: keyboard and screen-reader users get all of that for free.
 */
export function ConfirmDialog({ title, children, confirmLabel, tone = "primary", canConfirm = true, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const failure = await onConfirm();
    setPending(false);
    if (failure) setError(failure);
    else dialog.current?.close();
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={confirm} className="space-y-4 p-5">
        <h2 id={titleId} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="space-y-3 text-sm text-slate-700">{children}</div>
        {error ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button type="button" onClick={() => dialog.current?.close()} className={BUTTON.secondary}>
            Cancel
          </button>
          <button type="submit" disabled={pending || !canConfirm} className={tone === "danger" ? BUTTON.danger : BUTTON.primary}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
