/** The q-value an Accept header gives `type` ("text/html"), through wildcards too. */
function acceptQuality(accept: string, type: string): number {
  const [major] = type.split("/");
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(",")) {
    const [range = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === "*/*" ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.find((param) => param.startsWith("q="));
    best = { specificity, q: q ? Number(q.slice(2)) || 0 : 1 };
  }
  return best.q;
}

/**
 * Whether a person's browser is loading this as a page (a link, a redirect, a form), as
 * opposed to a script or a server calling the API: such a request should get a page, not
 * raw JSON. Browsers say so with Sec-Fetch-Mode; older ones by preferring HTML.
 */
export function isBrowserNavigation(request: Request): boolean {
  const mode = request.headers.get("sec-fetch-mode");
  if (mode !== null) return mode === "navigate";
  const accept = request.headers.get("accept");
  return accept !== null && acceptQuality(accept, "text/html") > acceptQuality(accept, "application/json");
}
