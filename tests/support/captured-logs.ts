import { createLogger, setLogger } from "@/lib/observability/logger";

/** Every line the app logs from now on, parsed; `stop()` puts the process's logger back. */
export function captureLogs() {
  const lines: string[] = [];
  setLogger(createLogger({ level: "trace", pretty: false, destination: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream }));
  return {
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => lines.join(""),
    stop: () => setLogger(undefined),
  };
}
