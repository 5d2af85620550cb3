import Link from "next/link";

// Our own, because Next's default 404 is styled with inline style attributes, which the pages'
// Content-Security-Policy (style-src with a nonce, no 'unsafe-inline') refuses.
export default function NotFound() {
  return (
    <section className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Page not found</h1>
      <p className="text-slate-700">There is no page at this address.</p>
      <Link href="/" className="text-indigo-700 underline underline-offset-4">
        Back to the start page
      </Link>
    </section>
  );
}
