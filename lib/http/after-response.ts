import "server-only";
import { after } from "next/server";
import { finishBeforeShutdown } from "./graceful-shutdown";

/**
 * Work a request does that the person need not wait for (an audit event): it starts once the
 * answer has been sent (Next's `after`), and a shutdown waits for it from now on. Started
 * before the answer instead, its synchronous part (Prisma compiles every query on the event
 * loop) held the answer's writing up by 2–5 ms. Route handlers, server actions and pages only.
 */
export function afterResponse(task: () => Promise<unknown>): void {
  finishBeforeShutdown(
    new Promise<void>((settled) => {
      after(async () => {
        try {
          await task();
        } finally {
          settled();
        }
      });
    }),
  );
}
