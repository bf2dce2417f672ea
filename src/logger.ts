/** Structured JSON logs (pino) for the server, the seed loader, the launcher and benchmarks. */
import { type Logger, pino } from "pino";

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level, base: { component: name } });
}
