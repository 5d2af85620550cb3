import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: "VoiceSurveyAgent console",
  description: "Sign in to the VoiceSurveyAgent web console with your organisation's account.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: its scripts carry that response's CSP nonce, which a
  // page prerendered at build time could not (the middleware sets the policy).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <SiteHeader />
        {/* A reading column; a page that holds wide tables (data-wide: the administration) gets more room. */}
        <main id="main" className="mx-auto w-full max-w-2xl px-4 py-10 sm:py-16 has-[[data-wide]]:max-w-6xl">
          {children}
        </main>
      </body>
    </html>
  );
}
