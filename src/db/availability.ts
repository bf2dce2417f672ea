/**
 * Whether the database can be reached, learned from the driver's own errors: a circuit breaker.
 * After a DB_UNAVAILABLE the circuit opens: calls in flight are abandoned and new ones fail at
 * once, so no client waits on connection timeouts or driver retries against a database that is
 * gone; a probe then asks every PROBE_MS, and its first answer closes the circuit. A running
 * service thus answers DB_UNAVAILABLE within moments of an outage and is ready again within a
 * probe interval of the database coming back.
 */
import { clientError } from "../errors.js";

const PROBE_MS = 250;

export const unavailableError = () => clientError("DB_UNAVAILABLE", "The database is unavailable; try again shortly.");

export class Availability {
  /** Aborted when the database goes away: what calls in flight listen to. */
  private up = new AbortController();
  private probing: NodeJS.Timeout | undefined;
  private closed = false;

  /** `probe` must answer within a probe interval or so, true when the database answers. */
  constructor(private readonly probe: () => Promise<boolean>) {}

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
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probing = setTimeout(async () => {
      if (this.closed) return;
      if (await this.probe().catch(() => false)) this.up = new AbortController();
      else this.scheduleProbe();
    }, PROBE_MS);
    this.probing.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probing);
  }
}
