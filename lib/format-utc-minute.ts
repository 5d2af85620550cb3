/** A time as people read it on the console's pages and in `npm run users`: "2026-11-28 09:41 UTC", or "never". */
export function formatUtcMinute(date: Date | null): string {
  if (!date) return "never";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
