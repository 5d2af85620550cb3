import type { Page } from "@playwright/test";

export type PolicyViolation = { how: "event" | "console"; url: string; report: string };

const BINDING = "__reportPolicyViolation";

/**
 * Records every policy broken in this page's documents, from the moment it is called:
 * - `securitypolicyviolation` events (Content-Security-Policy), listened to before any page
 *   script runs, in every document the page loads;
 * - Chromium's console reports: CSP messages ("Executing inline script violates …"), and
 *   errors in the Permissions-Policy header (an unknown feature is reported there only).
 * Every origin counts, the bundled IdP's sign-in pages included: Chromium reports a broken
 * header while the document commits, before the page's URL can say whose it is.
 */
export async function watchPolicyViolations(page: Page): Promise<PolicyViolation[]> {
  const violations: PolicyViolation[] = [];
  await page.exposeBinding(BINDING, ({ frame }, report: string) => {
    violations.push({ how: "event", url: frame.url(), report });
  });
  await page.addInitScript((binding) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = `${event.effectiveDirective} blocked ${event.blockedURI || "(none)"}`;
      (window as unknown as Record<string, (report: string) => void>)[binding]!(report);
    });
  }, BINDING);
  page.on("console", (message) => {
    const report = message.text();
    if (/Content Security Policy|Permissions-Policy|Feature-Policy/i.test(report)) violations.push({ how: "console", url: message.location().url || page.url(), report });
  });
  return violations;
}
