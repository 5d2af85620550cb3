import { AsyncLocalStorage } from "node:async_hooks";

/** What the server knows about the request being served, for its log line and metrics. */
export type RequestContext = {
  requestId: string;
  /** Set by the guard once it knows who is calling. */
  userId?: string;
};

// One per process, on globalThis: the server hook (instrumentation) and the route handlers are
// bundled apart and must share the store.
const STORAGE_KEY = Symbol.for("voicesurveyagent.requestContext");
const processGlobals = globalThis as Record<symbol, AsyncLocalStorage<RequestContext> | undefined>;
export const requestContextStorage = (processGlobals[STORAGE_KEY] ??= new AsyncLocalStorage<RequestContext>());

/** The request being served (undefined outside a request, e.g. in tests or scripts). */
export function currentRequest(): RequestContext | undefined {
  return requestContextStorage.getStore();
}

export function noteUser(userId: string): void {
  const context = currentRequest();
  if (context) context.userId = userId;
}
