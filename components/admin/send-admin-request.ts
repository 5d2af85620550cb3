/**
 * Calls the console's own user API from the browser (cookie session, same origin: the route's
 * policy checks the Origin). Resolves to null when it succeeded, or the message to show.
 */
export async function sendAdminRequest(path: string, method: "PATCH" | "POST", body: object): Promise<string | null> {
  try {
    const response = await fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (response.ok) return null;
    const refusal = (await response.json().catch(() => ({}))) as { message?: unknown };
    return typeof refusal.message === "string" ? refusal.message : `The console answered ${response.status}. Try again.`;
  } catch {
    return "Could not reach the console. Check the connection and try again.";
  }
}
