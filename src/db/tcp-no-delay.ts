/**
 * Bolt sockets without Nagle's algorithm.
 *
 * neo4j-driver opens its sockets with `net.connect`/`tls.connect` and never calls
 * `setNoDelay`, so any request over one TCP segment (~1.4 KB: most nested queries this service
 * generates) waits for the server's delayed ACK (Linux's delayed-ACK timer: 40 ms at least)
 * before its last segment is sent. The driver offers no socket option, so its two connect
 * functions are wrapped once to switch Nagle off, as HTTP clients do.
 */
import net from "node:net";
import tls from "node:tls";

const PATCHED = Symbol.for("kg.tcpNoDelay");

export function enableTcpNoDelay(): void {
  const modules = [net, tls] as unknown as Array<Record<string | symbol, unknown>>;
  for (const module of modules) {
    if (module[PATCHED]) continue;
    const connect = module.connect as (...args: unknown[]) => net.Socket;
    module.connect = (...args: unknown[]) => connect(...args).setNoDelay(true);
    module[PATCHED] = true;
  }
}
