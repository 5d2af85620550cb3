/**
 * Calls the console's own admin API from the browser (cookie session, same origin: the route's
 * policy checks the Origin). Resolves to the answer's JSON, or the message to show.
 */
export async function requestAdminJson<Answer>(path: string, method: "PATCH" | "POST" | "DELETE", body?: object): Promise<{ ok: true; value: Answer } | { ok: false; message: string }> {
  try {
    const response = await fetch(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = (await response.json().catch(() => ({}))) as { message?: unknown };
    if (response.ok) return { ok: true, value: answer as Answer };
    return { ok: false, message: typeof answer.message === "string" ? answer.message : `The console answered ${response.status}. Try again.` };
  } catch {
    return { ok: false, message: "Could not reach the console. Check the connection and try again." };
  }
}

/** requestAdminJson for a change whose answer the page does not need: null when it succeeded, or the message to show. */
export async function sendAdminRequest(path: string, method: "PATCH" | "POST", body: object): Promise<string | null> {
  const outcome = await requestAdminJson(path, method, body);
  return outcome.ok ? null : outcome.message;
}
