import http from "node:http";
import { DEPLOY } from "./deploy-settings";

/** A URL on one instance directly, bypassing nginx (the Host is nginx's, as nginx would send it). */
export function directUrl(instance: "a" | "b", path: string): string {
  return `http://127.0.0.1:${DEPLOY.instancePorts[instance]}${path}`;
}

/** Which instance answered (the X-Instance header, on when INSTANCE_ID is set). */
export function instanceOf(response: Response): string | undefined {
  return response.headers.get("x-instance") ?? undefined;
}

/** Runs `count` calls, at most `parallel` at a time, and returns their results in order. */
export async function sendConcurrently<T>(count: number, call: (index: number) => Promise<T>, parallel = count): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await call(index);
      }
    }),
  );
  return results;
}

export function countStatuses(values: (number | string)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

/**
 * Repeats a request until `done` says so, and says how long that took; fails after `timeoutMs`.
 * A request that fails to connect is one more not-yet: the first one after an idle spell can
 * meet a kept-alive connection the server closed as it was sent ("other side closed").
 */
export async function requestsUntil(request: () => Promise<Response>, done: (response: Response) => Promise<boolean>, timeoutMs: number): Promise<{ elapsedMs: number }> {
  const started = performance.now();
  let lastError: unknown;
  for (;;) {
    const response = await request().catch((error: unknown) => {
      if (!(error instanceof TypeError)) throw error;
      lastError = error;
      return null;
    });
    if (response && (await done(response))) return { elapsedMs: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`not done after ${timeoutMs} ms${response ? "" : `: ${String(lastError)}`}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One GET on a fresh connection (no keep-alive), answering its status, or the socket error's
 * code: ECONNREFUSED when the server no longer accepts, ECONNRESET when a request it had
 * accepted was cut off.
 */
export function getOnFreshConnection(url: string, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode!));
      response.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    request.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
