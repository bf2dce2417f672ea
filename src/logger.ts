/**
 * Logs (pino) for the server, the seed loader, the launcher and benchmarks: one JSON object a
 * line when stdout is a file, a pipe or a log collector; coloured, readable lines (pino-pretty)
 * when it is a terminal. `LOG_FORMAT=json` or `LOG_FORMAT=pretty` chooses either way.
 */
import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

type PrettyFactory = (options: Record<string, unknown>) => DestinationStream;

let prettyStream: DestinationStream | null | undefined;

/** One pino-pretty stream for the process, written synchronously so no line is lost on exit; null without it. */
function pretty(): DestinationStream | null {
  if (prettyStream === undefined) {
    try {
      const build = createRequire(import.meta.url)("pino-pretty") as PrettyFactory;
      prettyStream = build({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,component" });
    } catch {
      prettyStream = null; // an install without it: JSON
    }
  }
  return prettyStream;
}

/** Whether logs are pretty-printed: LOG_FORMAT when set, else whether stdout is a terminal. */
export function prettyLogs(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
  if (env.LOG_FORMAT === "json") return false;
  if (env.LOG_FORMAT === "pretty") return true;
  return isTTY;
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  const options = { name, level, base: { component: name } };
  const stream = prettyLogs() ? pretty() : null;
  return stream ? pino(options, stream) : pino(options);
}
