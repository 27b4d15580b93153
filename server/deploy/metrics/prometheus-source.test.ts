import { describe, expect, it } from 'vitest';
import { healthQueries, PrometheusMetricsSource, promqlString, rangeSeconds } from './prometheus-source';

describe('promqlString', () => {
  it('quotes and escapes a label value', () => {
    expect(promqlString('v1')).toBe('"v1"');
    expect(promqlString('a"b\\c\nd\te')).toBe('"a\\"b\\\\c\\nd\\te"');
    expect(promqlString('x\u0001y')).toBe('"x\\x01y"');
    expect(promqlString('déjà vu')).toBe('"déjà vu"');
  });
});

describe('healthQueries', () => {
  it('asks for the increase of the requests, the errors and the p99 of the histogram over the range', () => {
    expect(healthQueries('staging', 'dep_42', 60)).toEqual({
      requests: 'sum(increase(switchyard_deploy_requests_total{environment="staging",version="dep_42"}[60s]))',
      errors:
        'sum(increase(switchyard_deploy_requests_total{environment="staging",version="dep_42",outcome="error"}[60s]))',
      p99:
        'histogram_quantile(0.99, sum by (le) (increase(' +
        'switchyard_deploy_request_duration_seconds_bucket{environment="staging",version="dep_42"}[60s])))',
    });
  });

  it('escapes the environment and the version', () => {
    expect(healthQueries('a"b', 'c\\d', 30).requests).toContain('{environment="a\\"b",version="c\\\\d"}[30s]');
  });
});

describe('rangeSeconds', () => {
  it('is the window rounded up to whole seconds', () => {
    expect(rangeSeconds(0, 60_000, 15)).toBe(60);
    expect(rangeSeconds(0, 60_001, 15)).toBe(61);
  });

  it('spans at least two scrapes', () => {
    expect(rangeSeconds(0, 1_000, 15)).toBe(30);
    expect(rangeSeconds(0, 1_000, 1.5)).toBe(3);
  });
});

type Reply = { status?: number; body: unknown };

/** A Prometheus that answers each query by its metric and records what it was asked. */
function fakePrometheus(answer: (query: string) => Reply) {
  const calls: { url: URL; headers: Record<string, string> }[] = [];
  const fetch = (async (input: URL, init?: RequestInit) => {
    calls.push({ url: new URL(input), headers: (init?.headers ?? {}) as Record<string, string> });
    const reply = answer(new URL(input).searchParams.get('query') ?? '');
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(body, { status: reply.status ?? 200 });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function vector(value: string | undefined): Reply {
  const result = value === undefined ? [] : [{ metric: {}, value: [1_700_000_060, value] }];
  return { body: { status: 'success', data: { resultType: 'vector', result } } };
}

function byQuery(requests: string | undefined, errors: string | undefined, p99: string | undefined) {
  return (query: string) =>
    vector(query.startsWith('histogram_quantile') ? p99 : query.includes('outcome="error"') ? errors : requests);
}

/** A source on a clock that only moves when told to, or when the source sleeps. */
function sourceWith(answer: (query: string) => Reply, url = 'http://prom:9090') {
  const prometheus = fakePrometheus(answer);
  const clock = { ms: 1_700_000_000_000, slept: [] as number[] };
  const source = new PrometheusMetricsSource({
    url,
    fetch: prometheus.fetch,
    now: () => clock.ms,
    sleep: async (ms) => {
      clock.slept.push(ms);
      clock.ms += ms;
    },
  });
  return { source, clock, calls: prometheus.calls };
}

describe('PrometheusMetricsSource', () => {
  it('is named prometheus', () => {
    expect(sourceWith(byQuery('0', '0', 'NaN')).source.name).toBe('prometheus');
  });

  it('waits a scrape interval after the window, then queries at its end over its length', async () => {
    const { source, clock, calls } = sourceWith(byQuery('101.7', '4.4', '0.25'));
    const window = await source.startWindow('staging', 'v2');
    clock.ms += 60_000;

    const stats = await window.read();

    expect(stats).toEqual({ requests: 102, errors: 4, p99Ms: 250 });
    expect(clock.slept).toEqual([15_500]);
    expect(calls).toHaveLength(3);
    for (const { url } of calls) {
      expect(url.origin + url.pathname).toBe('http://prom:9090/api/v1/query');
      expect(url.searchParams.get('time')).toBe('1700000060.000');
      expect(url.searchParams.get('query')).toContain('{environment="staging",version="v2"');
      expect(url.searchParams.get('query')).toContain('[60s]');
    }
  });

  it('reads no series as no requests and a NaN quantile as no p99', async () => {
    const { source } = sourceWith(byQuery(undefined, undefined, 'NaN'));
    expect(await (await source.startWindow('staging', 'v1')).read()).toEqual({ requests: 0, errors: 0, p99Ms: null });
  });

  it('keeps the errors within the requests, as each is extrapolated on its own', async () => {
    const { source } = sourceWith(byQuery('20.2', '21.4', '+Inf'));
    expect(await (await source.startWindow('staging', 'v1')).read()).toEqual({ requests: 20, errors: 20, p99Ms: null });
  });

  it("names the server and Prometheus' error when it rejects a query", async () => {
    const { source } = sourceWith(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: '1:17: parse error: unexpected "}"' },
    }));
    const window = await source.startWindow('staging', 'v1');
    await expect(window.read()).rejects.toThrow(
      /^Prometheus at http:\/\/prom:9090 could not run .*: bad_data: 1:17: parse error: unexpected "}"$/,
    );
  });

  it('names the HTTP status when something else answers', async () => {
    const { source } = sourceWith(() => ({ status: 502, body: '<html>Bad Gateway</html>' }));
    const window = await source.startWindow('staging', 'v1');
    await expect(window.read()).rejects.toThrow(/Prometheus at http:\/\/prom:9090 answered HTTP 502 to .*Bad Gateway/);
  });

  it('rejects a reply of an unexpected shape', async () => {
    const { source } = sourceWith(() => ({ body: { status: 'success', data: { resultType: 'matrix', result: [] } } }));
    const window = await source.startWindow('staging', 'v1');
    await expect(window.read()).rejects.toThrow(/Prometheus at http:\/\/prom:9090 gave an unexpected reply/);
  });

  it('says why the server could not be reached', async () => {
    const source = new PrometheusMetricsSource({
      url: 'http://prom:9090',
      sleep: async () => {},
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND prom') });
      },
    });
    const window = await source.startWindow('staging', 'v1');
    await expect(window.read()).rejects.toThrow(
      'Prometheus at http://prom:9090 is unreachable: getaddrinfo ENOTFOUND prom',
    );
  });

  it('gives up on a query after the timeout', async () => {
    const source = new PrometheusMetricsSource({
      url: 'http://prom:9090',
      timeoutMs: 20,
      sleep: async () => {},
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason))),
    });
    const window = await source.startWindow('staging', 'v1');
    await expect(window.read()).rejects.toThrow(
      /^Prometheus at http:\/\/prom:9090 did not answer within 20 ms \(sum\(/,
    );
  });

  it('keeps a path prefix and sends credentials as basic auth, never in messages', async () => {
    const { source, calls } = sourceWith(
      () => ({ status: 503, body: '' }),
      'https://ci:s3cret@metrics.example/prometheus',
    );
    const window = await source.startWindow('staging', 'v1');
    const error = await window.read().catch((e: Error) => e);
    expect(calls[0]!.url.href).toMatch(/^https:\/\/metrics\.example\/prometheus\/api\/v1\/query\?/);
    expect(calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from('ci:s3cret').toString('base64')}`);
    expect(String(error)).toContain('Prometheus at https://metrics.example/prometheus answered HTTP 503');
    expect(String(error)).not.toContain('s3cret');
  });

  it('refuses a URL that is not one', () => {
    expect(() => new PrometheusMetricsSource({ url: 'prom:9090' })).toThrow('"prom:9090" is not an http(s) URL');
    expect(() => new PrometheusMetricsSource({ url: '' })).toThrow('is not an http(s) URL');
  });
});
