"use client";

import { TryAgainButton } from "@/components/try-again-button";
import "./globals.css";

/** Failures of the root layout itself: this replaces the whole document, so it brings its own. */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <title>Something went wrong · VoiceSurveyAgent console</title>
        <main className="mx-auto w-full max-w-2xl space-y-6 px-4 py-10 sm:py-16">
          <h1 className="text-2xl font-bold tracking-tight">Something went wrong</h1>
          <p className="text-slate-700">The console could not show this page. Try again; if it keeps happening, tell your administrator.</p>
          <TryAgainButton onClick={retry} />
        </main>
      </body>
    </html>
  );
}
