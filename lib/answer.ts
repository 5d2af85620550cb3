/**
 * An HTTP answer as plain data: what the forward-auth decision gives both of its entry points.
 * The Next route turns it into a Response (toResponse); the forward-auth listener writes it to
 * node:http as it is, without the Web streams a Response costs on every request.
 */
export type Answer = { status: number; headers: Record<string, string>; body: string | null; setCookies?: string[] };

export function toResponse(answer: Answer): Response {
  const headers = new Headers(answer.headers);
  for (const cookie of answer.setCookies ?? []) headers.append("Set-Cookie", cookie);
  return new Response(answer.body, { status: answer.status, headers });
}
