// The `local` orchestrator: deployments on this one machine. A release runs as
// real processes (see instance.ts) from its unpacked artifact (releases.ts),
// behind one traffic-splitting proxy per environment on its own port
// (proxy.ts). Applies to one environment run one after another; each starts
// what is missing and waits until it answers, then switches the routes, then
// drains and stops what is no longer wanted, so no request is lost. Nothing
// survives a restart: the deployer prepares and applies the serving release
// again (see orchestrator.ts).
import path from 'node:path';
import type { Logger } from '../../log';
import type { VersionCounts } from '../metrics/version-metrics';
import {
  OrchestratorError,
  type EnvironmentState,
  type EnvironmentTarget,
  type Orchestrator,
  type ReleaseSpec,
} from '../orchestrator';
import { startInstance, type Instance } from './instance';
import { TrafficProxy, type Route } from './proxy';
import { reapOrphans } from './pid-files';
import { checkSegment, Releases } from './releases';
import { planTarget, type VersionPlan } from './target';

export interface LocalOrchestratorOptions {
  /** Releases go to `<dataDir>/deploy/releases`, instance logs to `<dataDir>/deploy/logs/<environment>`. */
  dataDir: string;
  /** The proxy port of each environment; an environment left out gets a free port. */
  ports: Record<string, number>;
  /** Host name in the environment's URL (default 127.0.0.1). The proxy listens on 127.0.0.1. */
  host?: string;
  log?: Pick<Logger, 'info' | 'warn'>;
}

interface Environment {
  name: string;
  proxy: TrafficProxy;
  /** Running instances per version, oldest first; only ones that answered and are routed. */
  instances: Map<string, Instance[]>;
  releases: Map<string, ReleaseSpec>;
  /** The weights of the last apply; undefined before the first. */
  weights: Record<string, number> | undefined;
  /** The applies of this environment, one after another. */
  queue: Promise<unknown>;
}

export class LocalOrchestrator implements Orchestrator {
  readonly kind = 'local' as const;
  private readonly releases: Releases;
  private readonly envs = new Map<string, Environment>();
  private readonly creating = new Map<string, Promise<Environment>>();
  /** Every instance started and not yet stopped, routed or not. */
  private readonly live = new Set<Instance>();
  /** Ports of live instances (reserved from the moment they are picked). */
  private readonly ports = new Set<number>();
  private closed = false;
  private closing: Promise<void> | undefined;

  private readonly pidDir: string;

  constructor(private readonly opts: LocalOrchestratorOptions) {
    this.releases = new Releases(path.join(opts.dataDir, 'deploy', 'releases'));
    this.pidDir = path.join(opts.dataDir, 'deploy', 'pids');
    const orphans = reapOrphans(this.pidDir);
    if (orphans > 0) opts.log?.warn({ orphans }, 'stopped app instances a previous scheduler left running');
  }

  async prepare(environment: string, release: ReleaseSpec): Promise<void> {
    const env = await this.environment(environment);
    await this.releases.prepare(release);
    env.releases.set(release.version, release);
  }

  async apply(environment: string, target: EnvironmentTarget): Promise<EnvironmentState> {
    const env = await this.environment(environment);
    const run = env.queue.then(() => this.applyNow(env, target));
    env.queue = run.catch(() => undefined);
    return run;
  }

  state(environment: string): EnvironmentState | undefined {
    const env = this.envs.get(environment);
    if (!env || env.weights === undefined) return undefined;
    return {
      environment,
      url: `http://${this.opts.host ?? '127.0.0.1'}:${env.proxy.port}`,
      instances: [...env.instances.values()].flat().map((i) => ({
        version: i.version,
        port: i.port,
        pid: i.alive ? i.pid : null,
        startedAt: i.startedAt.toISOString(),
      })),
      weights: { ...env.weights },
    };
  }

  counts(environment: string, version: string): VersionCounts | undefined {
    return this.envs.get(environment)?.proxy.metrics.snapshot(version);
  }

  probe(environment: string, version: string, path: string, perSecond: number): () => void {
    const env = this.envs.get(environment);
    if (!env) throw new OrchestratorError(`environment '${environment}' has not been prepared`);
    return env.proxy.probe(version, path, perSecond);
  }

  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    this.closed = true;
    // Stopping first makes a pending ready() fail at once instead of waiting out its timeout.
    await Promise.all([...this.live].map((i) => this.stopInstance(i)));
    const envs = await Promise.all([...this.creating.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(envs.map((env) => env?.queue));
    await Promise.all([...this.live].map((i) => this.stopInstance(i)));
    await Promise.all(envs.map((env) => env?.proxy.close()));
  }

  /** The environment, with its proxy listening; created on first use. */
  private environment(name: string): Promise<Environment> {
    if (this.closed) return Promise.reject(new OrchestratorError('the local orchestrator is closed'));
    let env = this.creating.get(name);
    if (!env) {
      env = this.createEnvironment(name);
      this.creating.set(name, env);
      env.catch(() => this.creating.delete(name)); // a port in use: the next call tries again
    }
    return env;
  }

  private async createEnvironment(name: string): Promise<Environment> {
    checkSegment('environment', name);
    const port = this.opts.ports[name] ?? 0;
    let proxy: TrafficProxy;
    try {
      proxy = await TrafficProxy.listen({ environment: name, port });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new OrchestratorError(`the proxy of '${name}' cannot listen on 127.0.0.1:${port}: ${why}`);
    }
    const env: Environment = {
      name,
      proxy,
      instances: new Map(),
      releases: new Map(),
      weights: undefined,
      queue: Promise.resolve(),
    };
    this.envs.set(name, env);
    this.opts.log?.info({ environment: name, port: proxy.port }, 'deploy proxy listening');
    return env;
  }

  private async applyNow(env: Environment, target: EnvironmentTarget): Promise<EnvironmentState> {
    if (this.closed) throw new OrchestratorError('the local orchestrator is closed');
    const running = new Map([...env.instances].map(([version, list]) => [version, list.length]));
    const plan = planTarget(env.name, target, running, new Set(env.releases.keys()));
    const started = await this.startAll(env, plan);

    const routes: Route[] = [];
    const surplus: Instance[] = [];
    for (const p of plan) {
      const all = [...(env.instances.get(p.version) ?? []), ...(started.get(p.version) ?? [])];
      const keep = all.slice(0, p.count);
      surplus.push(...all.slice(p.count).reverse()); // newest first
      if (keep.length > 0) {
        env.instances.set(p.version, keep);
        routes.push({ version: p.version, weight: p.weight, instances: keep });
      } else {
        env.instances.delete(p.version);
      }
    }
    env.proxy.setRoutes(routes);
    env.weights = Object.fromEntries(routes.map((r) => [r.version, r.weight]));
    this.opts.log?.info({ environment: env.name, weights: env.weights }, 'deploy routes switched');
    await Promise.all(surplus.map((i) => this.retire(env, i)));
    return this.state(env.name)!;
  }

  /** The instances the plan adds, each answering; on any failure none of them runs. */
  private async startAll(env: Environment, plan: VersionPlan[]): Promise<Map<string, Instance[]>> {
    const jobs = plan.flatMap((p) => Array.from({ length: p.start }, () => this.startOne(env, p.version)));
    const results = await Promise.allSettled(jobs);
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((i) => this.stopInstance(i)));
      throw failed.reason;
    }
    const byVersion = new Map<string, Instance[]>();
    for (const i of ok) byVersion.set(i.version, [...(byVersion.get(i.version) ?? []), i]);
    return byVersion;
  }

  private async startOne(env: Environment, version: string): Promise<Instance> {
    const release = env.releases.get(version)!;
    const instance = await startInstance({
      environment: env.name,
      version,
      command: await this.releases.startCommand(version, release.start),
      releaseDir: this.releases.dir(version),
      logDir: path.join(this.opts.dataDir, 'deploy', 'logs', env.name),
      taken: this.ports,
      pidDir: this.pidDir,
    });
    this.live.add(instance);
    void instance.exited.then((exit) => {
      if (!instance.stopping) {
        this.opts.log?.warn({ environment: env.name, version, port: instance.port, exit }, 'deploy instance exited');
      }
    });
    try {
      if (this.closed) throw new OrchestratorError('the local orchestrator is closed');
      await instance.ready();
    } catch (err) {
      await this.stopInstance(instance);
      throw err;
    }
    this.opts.log?.info({ environment: env.name, version, port: instance.port, pid: instance.pid }, 'instance ready');
    return instance;
  }

  /** Out of the routes already: lets its requests finish, then stops it. */
  private async retire(env: Environment, instance: Instance): Promise<void> {
    if (!(await instance.drain())) {
      this.opts.log?.warn(
        { environment: env.name, version: instance.version, port: instance.port, inflight: instance.inflight },
        'instance still busy after the drain timeout; stopping it',
      );
    }
    env.proxy.forget(instance);
    await this.stopInstance(instance);
  }

  private async stopInstance(instance: Instance): Promise<void> {
    await instance.stop();
    this.live.delete(instance);
    this.ports.delete(instance.port);
  }
}
