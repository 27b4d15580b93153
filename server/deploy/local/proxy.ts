// The front door of one environment: an HTTP server on its own port that
// sends each request to an instance and streams the answer back. The version
// of each request comes from a smooth weighted split over the routes, the
// instance from a round robin within the version, and every answer is
// counted per version (the built-in metrics source of the health analysis).
//
// No request is lost across a switch: an instance taken out of the routes
// keeps serving what it already has (the orchestrator drains it before
// stopping it), and a request without a body that fails before any byte of
// an answer (refused, or a reused keep-alive socket reset) is sent once more
// to another instance of the routes; only then does the client get a 502.
import http from 'node:http';
import type net from 'node:net';
import { pipeline } from 'node:stream/promises';
import { VersionMetrics } from '../metrics/version-metrics';
import { TrafficSplit } from '../traffic-split';
import { answerHeaders, outgoing, send, type Attempt, type Outgoing, type Target, type Upstream } from './forward';

/** An instance (instance.ts) as the proxy sees it. */
export interface RoutedInstance extends Upstream {
  /** False once its process exited: skipped while others of its version run. */
  readonly alive: boolean;
}

/** Served by the proxy itself, never forwarded or counted. */
export const METRICS_PATH = '/_switchyard/metrics';

export interface Route {
  version: string;
  /** Relative share of requests (0: runs, takes none). */
  weight: number;
  instances: RoutedInstance[];
}

export interface ProxyOptions {
  environment: string;
  /** 0: any free port. */
  port: number;
}

export class TrafficProxy {
  readonly metrics = new VersionMetrics();
  private routes: Route[] = [];
  private split: TrafficSplit<Route> | undefined;
  /** Round-robin position per version. */
  private readonly turn = new Map<string, number>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly probes = new Set<NodeJS.Timeout>();

  private constructor(
    readonly environment: string,
    private readonly server: http.Server,
  ) {}

  /** A proxy listening on 127.0.0.1:`port`, with no routes yet (it answers 503). */
  static async listen(opts: ProxyOptions): Promise<TrafficProxy> {
    const server = http.createServer();
    const proxy = new TrafficProxy(opts.environment, server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => proxy.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Where traffic goes from now on; requests already sent finish where they are. */
  setRoutes(routes: Route[]): void {
    this.routes = routes.map((r) => ({ ...r, instances: [...r.instances] }));
    for (const r of this.routes) this.metrics.register(r.version);
    const serving = this.routes.filter((r) => r.instances.length > 0);
    this.split = serving.some((r) => r.weight > 0)
      ? new TrafficSplit(serving.map((r) => ({ target: r, weight: r.weight })))
      : undefined;
  }

  /** Sends GET `path` to `version`'s instances `perSecond` times a second, counted as its traffic. */
  probe(version: string, path: string, perSecond: number): () => void {
    if (!(perSecond > 0)) return () => undefined;
    const timer = setInterval(() => void this.probeOnce(version, path).catch(() => undefined), 1000 / perSecond);
    this.probes.add(timer);
    return () => {
      clearInterval(timer);
      this.probes.delete(timer);
    };
  }

  /**
   * Closes the idle keep-alive connections to an instance out of the routes,
   * so a graceful shutdown does not wait for them to time out.
   */
  forget(instance: Upstream): void {
    const name = this.agent.getName({ host: '127.0.0.1', port: instance.port });
    for (const socket of this.agent.freeSockets[name] ?? []) socket.destroy();
  }

  async close(): Promise<void> {
    for (const timer of this.probes) clearInterval(timer);
    this.probes.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    this.agent.destroy();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if ((req.url ?? '/').split('?')[0] === METRICS_PATH) return this.serveMetrics(req, res);
    const started = performance.now();
    const first = this.pick();
    if (!first) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end(`no release serves '${this.environment}' yet\n`);
      return;
    }
    const out = outgoing(req);
    void send(this.agent, out, first, (failed) => this.alternative(failed, false))
      .then((result) => this.relay(result, res, started))
      .catch(() => res.destroy()); // a broken exchange must not take the server down
  }

  /** The instance's answer to the client, counted once it is over. */
  private async relay(result: Attempt, res: http.ServerResponse, started: number): Promise<void> {
    const version = result.target.version;
    if ('error' in result) {
      this.metrics.record(version, null, performance.now() - started);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`no instance answered: ${result.error.message}\n`);
      }
      return;
    }
    const { response } = result;
    // Who broke an unfinished answer: the instance (an error) or the client (not the instance's fault).
    let instanceBroke = false;
    response.once('aborted', () => (instanceBroke = true));
    response.once('error', () => (instanceBroke = true));
    res.writeHead(response.statusCode ?? 502, response.statusMessage, answerHeaders(response));
    await pipeline(response, res).catch(() => undefined);
    const status = response.complete || !instanceBroke ? (response.statusCode ?? null) : null;
    this.metrics.record(version, status, performance.now() - started);
  }

  private async probeOnce(version: string, path: string): Promise<void> {
    const route = this.routes.find((r) => r.version === version);
    const instance = route && this.nextInstance(route);
    if (!instance) return;
    const started = performance.now();
    const out: Outgoing = {
      method: 'GET',
      path,
      headers: { host: `127.0.0.1:${this.port}`, 'user-agent': 'switchyard-probe' },
      body: null,
    };
    const result = await send(this.agent, out, { version, instance }, (failed) => this.alternative(failed, true));
    let status: number | null = null;
    if (!('error' in result)) {
      const { response } = result;
      await new Promise((resolve) => response.resume().once('close', resolve));
      status = response.complete ? (response.statusCode ?? null) : null;
    }
    this.metrics.record(version, status, performance.now() - started);
  }

  private serveMetrics(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const body = this.metrics.render(this.environment);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** The version by weight, then the next instance of it. */
  private pick(): Target | undefined {
    if (!this.split) return undefined;
    const route = this.split.next();
    const instance = this.nextInstance(route);
    return instance && { version: route.version, instance };
  }

  /** Round robin over the route's instances, skipping ones that exited while others run. */
  private nextInstance(route: Route, not?: Upstream): RoutedInstance | undefined {
    const candidates = route.instances.filter((i) => i !== not);
    const live = candidates.filter((i) => i.alive);
    const pool = live.length > 0 ? live : candidates;
    if (pool.length === 0) return undefined;
    const n = this.turn.get(route.version) ?? 0;
    this.turn.set(route.version, n + 1);
    return pool[n % pool.length];
  }

  /** Where a failed attempt goes again: the same version, then (unless `sameVersion`) another with weight, then any. */
  private alternative(failed: Target, sameVersion: boolean): Target | undefined {
    const own = this.routes.find((r) => r.version === failed.version);
    const instance = own && this.nextInstance(own, failed.instance);
    if (instance) return { version: failed.version, instance };
    if (sameVersion) return undefined;
    const others = this.routes.filter((r) => r.version !== failed.version);
    for (const route of [...others.filter((r) => r.weight > 0), ...others.filter((r) => r.weight === 0)]) {
      const other = this.nextInstance(route, failed.instance);
      if (other) return { version: route.version, instance: other };
    }
    return undefined;
  }
}
