// One request sent on to an instance, HTTP/1.1 as a reverse proxy does it:
// hop-by-hop headers dropped, X-Forwarded-* added, the body streamed. An
// attempt counts as in flight on its instance from the moment it is sent
// until the instance's answer is read to the end or abandoned, which is what
// `Instance.drain` waits for before the instance is stopped.
import http from 'node:http';
import type { Readable } from 'node:stream';

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface Outgoing {
  method: string;
  /** Path and query. */
  path: string;
  headers: http.OutgoingHttpHeaders;
  /** Streamed once; null: the request has no body, so it can be sent again. */
  body: Readable | null;
}

/** What a request is sent to: an instance (instance.ts), as far as forwarding needs it. */
export interface Upstream {
  /** On 127.0.0.1. */
  readonly port: number;
  /** A request to it started. */
  begin(): void;
  /** That request is over. */
  end(): void;
}

/** Where one attempt goes. */
export interface Target {
  version: string;
  instance: Upstream;
}

export type Attempt =
  | { target: Target; response: http.IncomingMessage; request: http.ClientRequest }
  /** Failed before any byte of an answer: connection refused, reset, … */
  | { target: Target; error: Error };

/** The headers without hop-by-hop ones (and those the Connection header names). */
export function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const connection = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !connection.includes(name)) out[name] = value;
  }
  return out;
}

/** What an incoming request becomes on its way to an instance. */
export function outgoing(req: http.IncomingMessage): Outgoing {
  const headers = endToEnd(req.headers);
  const peer = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${String(prior)}, ${peer}` : peer;
  headers['x-forwarded-proto'] ??= 'http';
  if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  return { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: hasBody ? req : null };
}

/** Sends `out` to `target` over `agent`; resolves at the answer's head or the failure before it (never rejects). */
export function attempt(agent: http.Agent, out: Outgoing, target: Target): Promise<Attempt> {
  const { instance } = target;
  let request: http.ClientRequest;
  try {
    request = http.request({
      host: '127.0.0.1',
      port: instance.port,
      method: out.method,
      path: out.path,
      headers: out.headers,
      agent,
    });
  } catch (err) {
    // A request Node refuses to send (an invalid path or header): no instance saw it.
    return Promise.resolve({ target, error: err instanceof Error ? err : new Error(String(err)) });
  }
  instance.begin();
  let over = false;
  const end = () => {
    if (!over) instance.end();
    over = true;
  };
  return new Promise((resolve) => {
    let answered = false;
    request.once('response', (response) => {
      answered = true;
      response.once('close', end);
      resolve({ target, response, request });
    });
    request.on('error', (error) => {
      end();
      resolve({ target, error });
    });
    request.once('close', () => {
      // Closed without an answer and without an error: abandoned by the caller.
      if (!answered) end();
    });
    if (out.body) {
      out.body.once('error', (err) => request.destroy(err));
      out.body.pipe(request);
    } else {
      request.end();
    }
  });
}

/**
 * Sends `out` to `first`; when that fails before any answer and `next` offers
 * another target, once more there. The answer, or the last failure.
 */
export async function send(
  agent: http.Agent,
  out: Outgoing,
  first: Target,
  next: ((failed: Target) => Target | undefined) | undefined,
): Promise<Attempt> {
  const result = await attempt(agent, out, first);
  if (!('error' in result) || out.body !== null || !next) return result;
  const second = next(first);
  return second ? attempt(agent, out, second) : result;
}

/** The answer's headers for the client: the instance's, without hop-by-hop ones. */
export function answerHeaders(response: http.IncomingMessage): http.OutgoingHttpHeaders {
  return endToEnd(response.headers);
}
