// Bearer tokens: random, typed by a prefix, and stored only as sha256 hashes.
// A token's kind is visible in its prefix so a leaked one is easy to recognise
// (and secret scanners can match it).
import crypto from 'node:crypto';

/** What a token grants. */
export const TOKEN_PREFIX = {
  /** A user's API token (CLI, automation): acts as that user. */
  api: 'sy_pat_',
  /** A runner's own token: claims jobs and heartbeats as that runner. */
  runner: 'sy_run_',
  /** Exchanged once or more by new runners for runner tokens. */
  registration: 'sy_reg_',
  /** A job attempt's token: every runner write for that attempt carries it. */
  attempt: 'sy_att_',
} as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

export interface NewToken {
  token: string;
  hash: string;
  /** The first characters, safe to show. */
  prefix: string;
}

export function newToken(kind: TokenKind): NewToken {
  const token = TOKEN_PREFIX[kind] + crypto.randomBytes(24).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX[kind].length + 6) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function tokenKind(token: string): TokenKind | undefined {
  return (Object.keys(TOKEN_PREFIX) as TokenKind[]).find((k) => token.startsWith(TOKEN_PREFIX[k]));
}
