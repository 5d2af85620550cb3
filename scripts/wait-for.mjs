// Small helpers the launcher, the benchmark and the test setup use to wait for servers.
import net from "node:net";

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Polls `check` until it resolves truthy; throws naming `description` after `timeoutMs`. */
export async function waitFor(description, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${description} did not become ready within ${timeoutMs / 1000} s`);
}
