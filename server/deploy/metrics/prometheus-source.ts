// Health figures from a Prometheus server that scrapes the proxies'
// /_switchyard/metrics (or whatever else exports the same series): instant
// queries over the HTTP API at the end of a window. Prometheus sums every
// proxy replica and keeps the figures across restarts of ours; the price is a
// scrape interval of delay and the extrapolation of increase(), so counts are
// estimates (rounded), not exact like the proxy source's.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { WindowStats } from '../health-analysis';
import type { MetricsSource, MetricsWindow } from './metrics-source';
import { DURATION_METRIC, REQUESTS_METRIC } from './version-metrics';

export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server (a path prefix and user:password@ are kept). */
  url: string;
  /** How often Prometheus scrapes the proxies; a read waits this long after the window so the last scrape is in. */
  scrapeIntervalSeconds?: number;
  fetch?: typeof fetch;
  /** Per query. */
  timeoutMs?: number;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Beyond one scrape interval after the window: time for the last scrape to be written. */
const SETTLE_MS = 500;

/** A PromQL double-quoted string: backslash, quote and control characters escaped. */
export function promqlString(value: string): string {
  const escaped = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

export interface HealthQueries {
  requests: string;
  errors: string;
  /** In seconds. */
  p99: string;
}

/** The three instant queries of a window of `rangeSeconds` ending at the query's time. */
export function healthQueries(environment: string, version: string, rangeSeconds: number): HealthQueries {
  const labels = `environment=${promqlString(environment)},version=${promqlString(version)}`;
  const range = `[${rangeSeconds}s]`;
  return {
    requests: `sum(increase(${REQUESTS_METRIC}{${labels}}${range}))`,
    errors: `sum(increase(${REQUESTS_METRIC}{${labels},outcome="error"}${range}))`,
    p99: `histogram_quantile(0.99, sum by (le) (increase(${DURATION_METRIC}_bucket{${labels}}${range})))`,
  };
}

/** The window in whole seconds, at least two scrapes long: increase() needs two samples. */
export function rangeSeconds(startMs: number, endMs: number, scrapeIntervalSeconds: number): number {
  return Math.max(Math.ceil((endMs - startMs) / 1000), Math.ceil(2 * scrapeIntervalSeconds));
}

/** The reply of GET /api/v1/query (https://prometheus.io/docs/prometheus/latest/querying/api/). */
const QueryReply = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('vector'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);
type QueryReply = z.infer<typeof QueryReply>;

export class PrometheusMetricsSource implements MetricsSource {
  readonly name = 'prometheus';
  private readonly endpoint: URL;
  /** The server as messages name it: no credentials. */
  private readonly server: string;
  private readonly headers: Record<string, string> = {};
  private readonly scrapeIntervalSeconds: number;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: PrometheusSourceOptions) {
    const base = URL.canParse(opts.url) ? new URL(opts.url) : undefined;
    if (base?.protocol !== 'http:' && base?.protocol !== 'https:') {
      throw new Error(`The Prometheus URL ${JSON.stringify(opts.url)} is not an http(s) URL`);
    }
    // fetch() refuses URLs with credentials: send them as basic auth instead.
    if (base.username || base.password) {
      const user = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
      this.headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
      base.username = base.password = '';
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.endpoint = new URL('api/v1/query', base);
    this.server = base.href.replace(/\/$/, '');
    this.scrapeIntervalSeconds = opts.scrapeIntervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS;
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => delay(ms));
  }

  async startWindow(environment: string, version: string): Promise<MetricsWindow> {
    const startMs = this.now();
    return { read: () => this.read(environment, version, startMs) };
  }

  private async read(environment: string, version: string, startMs: number): Promise<WindowStats> {
    const endMs = this.now();
    await this.sleep(this.scrapeIntervalSeconds * 1000 + SETTLE_MS);
    const q = healthQueries(environment, version, rangeSeconds(startMs, endMs, this.scrapeIntervalSeconds));
    const [requests, errors, p99] = await Promise.all([
      this.query(q.requests, endMs),
      this.query(q.errors, endMs),
      this.query(q.p99, endMs),
    ]);
    const total = this.count(requests, q.requests);
    // Each series is extrapolated on its own: keep the errors a part of the requests.
    return {
      requests: total,
      errors: Math.min(this.count(errors, q.errors), total),
      p99Ms: p99 !== null && Number.isFinite(p99) ? p99 * 1000 : null,
    };
  }

  private count(value: number | null, query: string): number {
    if (value === null) return 0;
    if (!Number.isFinite(value)) throw new Error(`Prometheus at ${this.server} answered ${value} to ${query}`);
    return Math.max(0, Math.round(value));
  }

  /** The single value of an instant query at `atMs`; null when no series matched. */
  private async query(query: string, atMs: number): Promise<number | null> {
    const url = new URL(this.endpoint);
    url.searchParams.set('query', query);
    url.searchParams.set('time', (atMs / 1000).toFixed(3));
    let response: Response;
    let body: string;
    try {
      response = await this.fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
      body = await response.text();
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new Error(`Prometheus at ${this.server} did not answer within ${this.timeoutMs} ms (${query})`);
      }
      throw new Error(`Prometheus at ${this.server} is unreachable: ${fetchFailure(error)}`, { cause: error });
    }
    const reply = parseReply(body);
    if (reply?.status === 'error') {
      throw new Error(`Prometheus at ${this.server} could not run ${query}: ${reply.errorType}: ${reply.error}`);
    }
    if (!response.ok) {
      const text = body.trim().slice(0, 200) || response.statusText;
      throw new Error(`Prometheus at ${this.server} answered HTTP ${response.status} to ${query}: ${text}`);
    }
    if (!reply) {
      throw new Error(`Prometheus at ${this.server} gave an unexpected reply to ${query}: ${body.slice(0, 200)}`);
    }
    const { result } = reply.data;
    if (result.length > 1) throw new Error(`Prometheus at ${this.server} gave ${result.length} series for ${query}`);
    return result[0] ? sampleValue(result[0].value[1]) : null;
  }
}

function parseReply(body: string): QueryReply | undefined {
  try {
    const parsed = QueryReply.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Prometheus writes sample values as strings, infinities as ±Inf. */
function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Why fetch failed, from its cause (a connection refused, a name not resolved…). */
function fetchFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof AggregateError && cause.errors[0] instanceof Error) return cause.errors[0].message;
  if (cause instanceof Error) return cause.message || String((cause as { code?: unknown }).code ?? cause.name);
  return String(cause);
}
