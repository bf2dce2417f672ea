/**
 * How late the event loop runs (perf_hooks.monitorEventLoopDelay) and how much CPU the process
 * used, logged once an interval (KG_EVENT_LOOP_REPORT_MS): what tells a flood that keeps the
 * loop busy apart from a machine that gives the process no CPU (npm run load -- --mode outage).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "./logger.js";

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

/** Starts reporting; the returned function stops. */
export function reportEventLoop(log: Logger, everyMs: number): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let cpu = process.cpuUsage();
  let since = performance.now();
  const timer = setInterval(() => {
    const usage = process.cpuUsage(cpu);
    const elapsed = performance.now() - since;
    // info, whatever LOG_LEVEL says: it was asked for.
    log.child({}, { level: "info" }).info(
      {
        eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        cpuPercent: Math.round(((usage.user + usage.system) / 1000 / elapsed) * 100),
      },
      "event loop",
    );
    delay.reset();
    cpu = process.cpuUsage();
    since = performance.now();
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
