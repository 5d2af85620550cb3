import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Anything that looks like a credential is replaced before a line is written, wherever it
 * appears one level down: a last line of defence, since no log call passes tokens on purpose.
 */
const REDACTED_PATHS = [
  "*.authorization",
  "*.cookie",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.logout_token",
  "*.password",
  "*.secret",
];

/**
 * The app's logger: JSON lines on stdout (time, level as a word, msg, event and fields), pretty
 * and synchronous in development. Node.js only. Tests create their own with a destination.
 */
export function createLogger(options: { level: string; pretty: boolean; destination?: NodeJS.WritableStream; redact?: boolean }): Logger {
  const settings = {
    level: options.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    ...(options.redact === false ? {} : { redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }),
  };
  if (options.destination) return pino(settings, options.destination);
  return options.pretty ? pino(settings, pretty({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l" })) : pino(settings);
}

// One per process, on globalThis: route handlers, pages and instrumentation are bundled apart.
const LOGGER_KEY = Symbol.for("voicesurveyagent.logger");
const processGlobals = globalThis as Record<symbol, Logger | undefined>;

/** The process's logger, configured from LOG_LEVEL (and NODE_ENV for the pretty output). */
export function getLogger(): Logger {
  let logger = processGlobals[LOGGER_KEY];
  if (!logger) {
    // Read directly rather than through getEnv(): a configuration error must still be loggable.
    const level = process.env.LOG_LEVEL?.trim() || "info";
    logger = createLogger({ level: pino.levels.values[level] === undefined && level !== "silent" ? "info" : level, pretty: process.env.NODE_ENV === "development" });
    processGlobals[LOGGER_KEY] = logger;
  }
  return logger;
}

const REQUEST_LOGGER_KEY = Symbol.for("voicesurveyagent.requestLineLogger");

/**
 * The logger of the request observer's one line per request, the same output as getLogger's
 * without the redaction pass (about 10 µs a line, a tenth of a forward-auth answer): that
 * line's fields are fixed and typed (method, path without the query, status, duration, ids,
 * refusal code), and none of them can hold a credential.
 */
export function getRequestLineLogger(): Logger {
  let logger = processGlobals[REQUEST_LOGGER_KEY];
  if (!logger) {
    const level = process.env.LOG_LEVEL?.trim() || "info";
    logger = createLogger({ level: pino.levels.values[level] === undefined && level !== "silent" ? "info" : level, pretty: process.env.NODE_ENV === "development", redact: false });
    processGlobals[REQUEST_LOGGER_KEY] = logger;
  }
  return logger;
}

/** Replaces the process's logger (tests capture what is logged; undefined restores the default). */
export function setLogger(logger: Logger | undefined): void {
  processGlobals[LOGGER_KEY] = logger;
}
