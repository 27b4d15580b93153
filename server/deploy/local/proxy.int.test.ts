// The traffic proxy against upstreams in this process, so each failure an
// instance can show (nothing listening, a connection reset before any answer,
// a slow answer while routes change) happens on purpose, every time.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../tests/db';
import { freePort } from './instance';
import { METRICS_PATH, TrafficProxy, type RoutedInstance } from './proxy';

interface FakeInstance extends RoutedInstance {
  inflight: number;
  close(): Promise<void>;
}

/** An HTTP upstream that echoes what it got, after `delayMs`. */
async function echo(name: string, delayMs = 0): Promise<FakeInstance> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive', 'x-upstream': name });
        res.end(
          JSON.stringify({
            name,
            method: req.method,
            url: req.url,
            headers: req.headers,
            body: `${Buffer.concat(chunks)}`,
          }),
        );
      }, delayMs),
    );
  });
  return fake(server);
}

/** An upstream that resets every connection as soon as a request arrives. */
function resetter(): Promise<FakeInstance> {
  return fake(net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy())));
}

/** A port where nothing listens. */
async function nobody(): Promise<FakeInstance> {
  const port = await freePort();
  return { port, alive: true, inflight: 0, begin() {}, end() {}, close: async () => undefined };
}

async function fake(server: net.Server): Promise<FakeInstance> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const instance: FakeInstance = {
    port: (server.address() as net.AddressInfo).port,
    alive: true,
    inflight: 0,
    begin: () => void instance.inflight++,
    end: () => void instance.inflight--,
    close: () => {
      (server as http.Server).closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return instance;
}

let proxy: TrafficProxy;
let url: string;
const upstreams: FakeInstance[] = [];

async function upstream(made: Promise<FakeInstance>): Promise<FakeInstance> {
  const u = await made;
  upstreams.push(u);
  return u;
}

beforeAll(async () => {
  proxy = await TrafficProxy.listen({ environment: 'test', port: 0 });
  url = `http://127.0.0.1:${proxy.port}`;
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all(upstreams.map((u) => u.close()));
});

async function call(path = '/', init?: RequestInit) {
  const res = await fetch(url + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** With node:http, which (unlike fetch) sends hop-by-hop headers as given. */
function raw(path: string, method: string, headers: http.OutgoingHttpHeaders, body: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request(url + path, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('traffic proxy', () => {
  it('answers 503 before it has routes', async () => {
    expect((await call()).status).toBe(503);
  });

  it('forwards method, path, body and end-to-end headers, and streams the answer back', async () => {
    const a = await upstream(echo('a'));
    proxy.setRoutes([{ version: 'fwd', weight: 1, instances: [a] }]);
    const res = await raw(
      '/some/path?q=1',
      'POST',
      {
        'x-custom': 'yes',
        connection: 'keep-alive, x-hop',
        'x-hop': 'drop me',
        'keep-alive': 'timeout=99',
        te: 'trailers',
      },
      'hello',
    );
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('a');
    const seen = JSON.parse(res.text) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: 'POST', url: '/some/path?q=1', body: 'hello' });
    expect(seen.headers).toMatchObject({
      'x-custom': 'yes',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(proxy.metrics.snapshot('fwd')).toMatchObject({ requests: 1, errors: 0 });
    expect(a.inflight).toBe(0);
  });

  it('sends a request without a body to another instance when the first refuses or resets it', async () => {
    const [dead, reset, good] = await Promise.all([nobody(), upstream(resetter()), upstream(echo('good'))]);
    for (const bad of [dead, reset]) {
      proxy.setRoutes([{ version: 'retry', weight: 1, instances: [bad, good] }]);
      for (let i = 0; i < 4; i++) {
        const res = await call();
        expect(res.status).toBe(200);
        expect(res.headers.get('x-upstream')).toBe('good');
      }
    }
    expect(proxy.metrics.snapshot('retry')).toMatchObject({ requests: 8, errors: 0 });
    expect([dead.inflight, reset.inflight, good.inflight]).toEqual([0, 0, 0]);
  });

  it('answers 502, counted as an error, when no instance answers or a body cannot be sent again', async () => {
    const [reset, good] = await Promise.all([upstream(resetter()), upstream(echo('other'))]);
    proxy.setRoutes([{ version: 'broken', weight: 1, instances: [reset] }]);
    expect((await call()).status).toBe(502);
    proxy.setRoutes([{ version: 'broken', weight: 1, instances: [reset, good] }]);
    const posts = await Promise.all([1, 2].map(() => call('/', { method: 'POST', body: 'once' })));
    expect(posts.map((p) => p.status).sort()).toEqual([200, 502]);
    expect(proxy.metrics.snapshot('broken')).toMatchObject({ requests: 3, errors: 2 });
  });

  it('lets an instance taken out of the routes finish what it has', async () => {
    const [slow, next] = await Promise.all([upstream(echo('slow', 300)), upstream(echo('next'))]);
    proxy.setRoutes([{ version: 'old', weight: 1, instances: [slow] }]);
    const pending = call();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slow.inflight).toBe(1);
    proxy.setRoutes([{ version: 'new', weight: 1, instances: [next] }]);
    expect((await call()).headers.get('x-upstream')).toBe('next');
    const first = await pending;
    expect(first.status).toBe(200);
    expect(first.headers.get('x-upstream')).toBe('slow');
    expect(slow.inflight).toBe(0);
  });

  it('lets go of an instance when the client leaves before the answer', async () => {
    const slow = await upstream(echo('slow', 200));
    proxy.setRoutes([{ version: 'left', weight: 1, instances: [slow] }]);
    await expect(fetch(url, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    await waitFor(() => slow.inflight === 0 && proxy.metrics.snapshot('left')!.requests === 1, {
      what: 'the abandoned request to be over',
    });
    expect(proxy.metrics.snapshot('left')).toMatchObject({ errors: 0 });
    expect((await call()).status).toBe(200);
  });

  it('serves its metrics itself, without counting them', async () => {
    proxy.setRoutes([{ version: 'metered', weight: 1, instances: [await upstream(echo('metered'))] }]);
    await call();
    const before = proxy.metrics.snapshot('metered');
    const res = await call(METRICS_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(res.text).toContain('switchyard_deploy_requests_total{environment="test",version="metered",outcome="ok"} 1');
    expect(proxy.metrics.snapshot('metered')).toEqual(before);
  });
});
