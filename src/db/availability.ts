/**
 * Whether the database can be reached, learned from the driver's own errors: a circuit breaker.
 * After a DB_UNAVAILABLE the circuit opens: calls in flight are abandoned and new ones fail at
 * once (and the listener refuses GraphQL requests before parsing them: http/front-door.ts), so no
 * client waits on connection timeouts or driver retries against a database that is gone. A probe
 * then asks every PROBE_MS, one at a time, and its first answer closes the circuit: a running
 * service answers DB_UNAVAILABLE within moments of an outage and is ready again within a probe
 * interval of the database answering queries.
 */
import { clientError, DB_UNAVAILABLE_MESSAGE } from "../errors.js";
import type { Logger } from "../logger.js";

/** How often the probe asks while the circuit is open: a trivial query, and refused at once while nothing listens. */
export const PROBE_MS = 100;
/**
 * A probe left unanswered this long is given up and another sent. Long, because a database that
 * has just recovered its store on a busy machine answers its first query slowly, and an answer that
 * comes late still closes the circuit; short enough that a connection that never answers (a
 * half-open socket) does not hold the circuit open for long.
 */
export const PROBE_PATIENCE_MS = 5_000;

export const unavailableError = () => clientError("DB_UNAVAILABLE", DB_UNAVAILABLE_MESSAGE);

export class Availability {
  /** Aborted when the database goes away: what calls in flight listen to. */
  private up = new AbortController();
  private probing: NodeJS.Timeout | undefined;
  private closed = false;
  private downSince = 0;
  /** The probe asking now, and when it was sent. */
  private inFlight: { sentAt: number; abandon: () => void } | undefined;

  /**
   * `probe` resolves true when the database answers; its signal aborts when the probe is given
   * up, and it must then stop (close its session).
   */
  constructor(
    private readonly probe: (signal: AbortSignal) => Promise<boolean>,
    private readonly log?: Logger,
  ) {}

  get down(): boolean {
    return this.up.signal.aborted;
  }

  /** Aborted (with DB_UNAVAILABLE as its reason) when the database is found gone. */
  get signal(): AbortSignal {
    return this.up.signal;
  }

  /** Called on any error that says the database cannot be reached. */
  reportUnavailable(): void {
    if (this.down || this.closed) return;
    this.up.abort(unavailableError());
    this.downSince = Date.now();
    this.log?.warn({ probeMs: PROBE_MS }, "database unavailable: refusing requests until it answers");
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probing = setTimeout(() => this.ask(), PROBE_MS);
    this.probing.unref();
  }

  /** Sends a probe unless one is still within its patience; the first answer closes the circuit. */
  private ask(): void {
    if (this.closed || !this.down) return;
    if (this.inFlight && Date.now() - this.inFlight.sentAt < PROBE_PATIENCE_MS) {
      this.scheduleProbe();
      return;
    }
    this.inFlight?.abandon();
    const stop = new AbortController();
    const mine = { sentAt: Date.now(), abandon: () => stop.abort() };
    this.inFlight = mine;
    void this.probe(stop.signal)
      .catch(() => false)
      .then((answered) => {
        if (this.inFlight === mine) this.inFlight = undefined;
        if (answered && this.down && !this.closed) this.recovered();
      });
    this.scheduleProbe();
  }

  private recovered(): void {
    clearTimeout(this.probing);
    this.inFlight?.abandon();
    this.inFlight = undefined;
    this.up = new AbortController();
    this.log?.info({ downMs: Date.now() - this.downSince }, "database answers again: accepting requests");
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probing);
    this.inFlight?.abandon();
  }
}
