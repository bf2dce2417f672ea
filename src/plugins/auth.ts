/**
 * Bearer tokens for writes. KG_API_TOKENS="name:secret,name2:secret2"; reads are public.
 * Secrets are compared as SHA-256 digests with timingSafeEqual, so the comparison takes the same
 * time whatever the guess.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "../context.js";
import { clientError } from "../errors.js";

export interface TokenTable {
  names: string[];
  digests: Buffer[];
}

const digest = (secret: string) => createHash("sha256").update(secret, "utf8").digest();

export function parseTokens(spec: string | undefined): TokenTable {
  const table: TokenTable = { names: [], digests: [] };
  for (const entry of (spec ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(":");
    const name = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon < 1 || secret.length < 16) {
      throw new Error('KG_API_TOKENS entries must look like "name:secret" with a secret of at least 16 characters');
    }
    table.names.push(name);
    table.digests.push(digest(secret));
  }
  return table;
}

/** Who may write, from the Authorization header: an actor name, or why writes are refused. */
export function authorize(table: TokenTable, header: string | null): Pick<Context, "actor" | "writeDenied"> {
  if (table.names.length === 0) {
    return {
      writeDenied: { code: "WRITES_DISABLED", message: "Writes are disabled on this server: no KG_API_TOKENS are configured." },
    };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match) {
    return { writeDenied: { code: "UNAUTHENTICATED", message: "Writes need an `Authorization: Bearer <token>` header." } };
  }
  const offered = digest(match[1] as string);
  let actor: string | undefined;
  // Compare against every token, without stopping early, so timing says nothing about which matched.
  table.digests.forEach((d, i) => {
    if (timingSafeEqual(d, offered)) actor = table.names[i];
  });
  return actor ? { actor } : { writeDenied: { code: "UNAUTHENTICATED", message: "The bearer token is not valid." } };
}

/** Call first in every mutation resolver: nothing is read or written for a refused request. */
export function requireWriter(ctx: Context): string {
  if (ctx.actor) return ctx.actor;
  const denied = ctx.writeDenied ?? { code: "UNAUTHENTICATED" as const, message: "Writes need a bearer token." };
  throw clientError(denied.code, denied.message);
}
