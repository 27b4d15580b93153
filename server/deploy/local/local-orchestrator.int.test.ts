// The local orchestrator with real processes and real HTTP traffic: the test
// app of tests/fixtures/deploy-app packed as an artifact, started behind the
// proxy, switched while requests keep coming. Every environment (and every
// version label, since releases are shared by label) is the test's own.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupMembers } from '../../../runner/executors/process-group';
import { buildDeployApp, type DeployApp } from '../../../tests/deploy-app';
import { waitFor } from '../../../tests/db';
import { REQUESTS_METRIC } from '../metrics/version-metrics';
import { OrchestratorError, type EnvironmentTarget } from '../orchestrator';
import { freePort } from './instance';
import { LocalOrchestrator } from './local-orchestrator';
import { METRICS_PATH } from './proxy';

let dataDir: string;
let singlePort: number;
let orchestrator: LocalOrchestrator;
let apps: Record<'fast' | 'slow' | 'flaky' | 'crash', DeployApp>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-deploy-'));
  singlePort = await freePort();
  orchestrator = new LocalOrchestrator({ dataDir, ports: { single: singlePort } });
  const [fast, slow, flaky, crash] = await Promise.all([
    buildDeployApp({ label: 'fast' }),
    buildDeployApp({ label: 'slow', delayMs: 15 }),
    buildDeployApp({ label: 'flaky', failEvery: 10 }),
    buildDeployApp({ label: 'crash', crash: true }),
  ]);
  apps = { fast, slow, flaky, crash };
});

afterAll(async () => {
  await orchestrator?.close();
  for (const app of Object.values(apps ?? {})) app.remove();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Prepares each version (label → app) in `environment`, then applies the target. */
async function deploy(environment: string, versions: Record<string, DeployApp>, target: EnvironmentTarget) {
  for (const [version, app] of Object.entries(versions)) await orchestrator.prepare(environment, app.release(version));
  return orchestrator.apply(environment, target);
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.text()).trim() };
}

/** `n` GETs one after another; answers per body. */
async function sequential(url: string, n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const { status, body } = await get(url);
    const key = status === 200 ? body : `${status}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return seen;
}

/** `parallel` loops of GETs until stopped: what failed, and the answers of requests sent after `since`. */
function startLoad(url: string, parallel = 8) {
  let running = true;
  const failures: string[] = [];
  const answers: { sentAt: number; body: string }[] = [];
  const loops = Array.from({ length: parallel }, async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        const { status, body } = await get(url);
        if (status === 200) answers.push({ sentAt, body });
        else failures.push(`${status}: ${body}`);
      } catch (err) {
        failures.push(`request failed: ${String((err as { cause?: unknown }).cause ?? err)}`);
      }
    }
  });
  return {
    ok: () => answers.length,
    async stop(since: number) {
      running = false;
      await Promise.all(loops);
      const after = answers.filter((a) => a.sentAt >= since).map((a) => a.body);
      return { ok: answers.length, failures, after: new Set(after), afterCount: after.length };
    },
  };
}

function gone(pid: number | null): boolean {
  if (pid === null) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('local orchestrator', () => {
  it('serves one version on the configured port and exposes its counters', async () => {
    const state = await deploy('single', { s1: apps.fast }, { instances: { s1: 2 }, weights: { s1: 100 } });
    expect(state.url).toBe(`http://127.0.0.1:${singlePort}`);
    expect(state.instances).toHaveLength(2);
    expect(new Set(state.instances.map((i) => i.port)).size).toBe(2);
    expect(await sequential(state.url, 20)).toEqual(new Map([['version=s1', 20]]));

    const res = await fetch(state.url + METRICS_PATH);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toContain(`${REQUESTS_METRIC}{environment="single",version="s1",outcome="ok"} 20`);
    expect(text).toContain(`${REQUESTS_METRIC}{environment="single",version="s1",outcome="error"} 0`);
    expect(orchestrator.counts('single', 's1')).toMatchObject({ requests: 20, errors: 0 });

    // Only what an app needs: none of the server's environment (DATABASE_URL, secrets) gets through.
    const env = JSON.parse((await get(state.url + '/env')).body) as string[];
    expect(env).toEqual(expect.arrayContaining(['HOME', 'NODE_ENV', 'PATH', 'PORT', 'SWITCHYARD_VERSION']));
    expect(
      env.filter((name) => !['HOME', 'NODE_ENV', 'PATH', 'PORT', 'SWITCHYARD_VERSION', 'PWD'].includes(name)),
    ).toEqual([]);
    const log = path.join(dataDir, 'deploy', 'logs', 'single', `s1-${state.instances[0]!.port}.log`);
    expect(fs.readFileSync(log, 'utf8')).toContain(`s1 listening on ${state.instances[0]!.port}`);
  });

  it('splits a canary 90/10 exactly over 1000 requests', async () => {
    const state = await deploy(
      'canary',
      { c1: apps.fast, c2: apps.fast },
      { instances: { c1: 2, c2: 2 }, weights: { c1: 90, c2: 10 } },
    );
    const seen = await sequential(state.url, 1000);
    expect(seen).toEqual(
      new Map([
        ['version=c1', 900],
        ['version=c2', 100],
      ]),
    );
    expect(orchestrator.counts('canary', 'c2')).toMatchObject({ requests: 100, errors: 0 });
    expect(orchestrator.counts('canary', 'c1')).toMatchObject({ requests: 900, errors: 0 });
  });

  it('switches blue to green under load without losing a request', async () => {
    const env = 'blue-green';
    const first = await deploy(env, { b1: apps.slow }, { instances: { b1: 2 }, weights: { b1: 100 } });
    await orchestrator.prepare(env, apps.slow.release('b2'));
    const load = startLoad(first.url);
    await waitFor(() => load.ok() >= 50, { what: 'traffic on blue' });
    await orchestrator.apply(env, { instances: { b1: 2, b2: 2 }, weights: { b2: 100 } });
    const green = await orchestrator.apply(env, { instances: { b2: 2 }, weights: { b2: 100 } });
    const switched = performance.now();
    const before = load.ok();
    await waitFor(() => load.ok() >= before + 50, { what: 'traffic on green' });
    const result = await load.stop(switched);

    expect(result.failures).toEqual([]);
    expect(result.after).toEqual(new Set(['version=b2']));
    expect(green.instances.map((i) => i.version)).toEqual(['b2', 'b2']);
    expect(first.instances.every((i) => gone(i.pid))).toBe(true);
  });

  it('rolls instance by instance under load without losing a request', async () => {
    const env = 'rolling';
    const first = await deploy(env, { r1: apps.slow }, { instances: { r1: 3 }, weights: { r1: 3 } });
    await orchestrator.prepare(env, apps.slow.release('r2'));
    const load = startLoad(first.url);
    await waitFor(() => load.ok() >= 30, { what: 'traffic on r1' });
    await orchestrator.apply(env, { instances: { r1: 2, r2: 1 }, weights: { r1: 2, r2: 1 } });
    await orchestrator.apply(env, { instances: { r1: 1, r2: 2 }, weights: { r1: 1, r2: 2 } });
    const last = await orchestrator.apply(env, { instances: { r2: 3 }, weights: { r2: 3 } });
    const switched = performance.now();
    const before = load.ok();
    await waitFor(() => load.ok() >= before + 30, { what: 'traffic on r2' });
    const result = await load.stop(switched);

    expect(result.failures).toEqual([]);
    expect(result.after).toEqual(new Set(['version=r2']));
    expect(last.instances.map((i) => i.version)).toEqual(['r2', 'r2', 'r2']);
    const oldPorts = new Set(first.instances.map((i) => i.port));
    expect(last.instances.filter((i) => oldPorts.has(i.port))).toEqual([]);
    expect(first.instances.every((i) => gone(i.pid))).toBe(true);
  });

  it('keeps serving the old version when the new one crashes at start', async () => {
    const env = 'crashing';
    const before = await deploy(env, { k1: apps.fast }, { instances: { k1: 1 }, weights: { k1: 100 } });
    await orchestrator.prepare(env, apps.crash.release('k2'));
    const applying = orchestrator.apply(env, { instances: { k1: 1, k2: 1 }, weights: { k1: 90, k2: 10 } });
    await expect(applying).rejects.toThrow(OrchestratorError);
    await expect(applying).rejects.toThrow(/exited with code 3 before answering HTTP[\s\S]*fatal: k2 cannot start/);
    expect(orchestrator.state(env)).toEqual(before);
    expect(await sequential(before.url, 10)).toEqual(new Map([['version=k1', 10]]));
  });

  it('stops an environment on the empty target', async () => {
    const before = await deploy('emptied', { e1: apps.fast }, { instances: { e1: 2 }, weights: { e1: 100 } });
    const after = await orchestrator.apply('emptied', { instances: {}, weights: {} });
    expect(after).toMatchObject({ instances: [], weights: {} });
    expect(before.instances.every((i) => gone(i.pid))).toBe(true);
    expect((await get(before.url)).status).toBe(503);
  });

  it('refuses an artifact whose bytes do not match its sha256', async () => {
    const bytes = fs.readFileSync(apps.fast.file);
    bytes[bytes.length - 1]! ^= 0xff;
    const actual = crypto.createHash('sha256').update(bytes).digest('hex');
    const release = apps.fast.release('t1');
    release.artifact.open = async () => Readable.from([bytes]);
    const preparing = orchestrator.prepare('tampered', release);
    await expect(preparing).rejects.toThrow(OrchestratorError);
    await expect(preparing).rejects.toThrow(`expected sha256 ${apps.fast.sha256}`);
    await expect(preparing).rejects.toThrow(`got sha256 ${actual}`);
    expect(fs.existsSync(path.join(dataDir, 'deploy', 'releases', 't1'))).toBe(false);
  });

  it('counts the errors of a failing version', async () => {
    const state = await deploy('flaky', { f1: apps.flaky }, { instances: { f1: 2 }, weights: { f1: 100 } });
    await sequential(state.url, 1000);
    const counts = orchestrator.counts('flaky', 'f1')!;
    expect(counts.requests).toBe(1000);
    expect(counts.errors / counts.requests).toBeCloseTo(0.1, 2);
  });

  it('probes a version that takes no traffic, counted as its own', async () => {
    const env = 'probed';
    await deploy(env, { p1: apps.fast, p2: apps.fast }, { instances: { p1: 1, p2: 1 }, weights: { p1: 100 } });
    expect(orchestrator.counts(env, 'p2')).toMatchObject({ requests: 0 });
    const stop = orchestrator.probe(env, 'p2', '/', 50);
    await waitFor(() => orchestrator.counts(env, 'p2')!.requests >= 10, { what: 'probe requests on p2' });
    stop();
    expect(orchestrator.counts(env, 'p2')).toMatchObject({ errors: 0 });
    expect(orchestrator.counts(env, 'p1')).toMatchObject({ requests: 0 });
  });

  it('leaves no instance process running after close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-deploy-close-'));
    const own = new LocalOrchestrator({ dataDir: dir, ports: {} });
    try {
      await own.prepare('a', apps.fast.release('z1'));
      await own.prepare('b', apps.slow.release('z2'));
      const a = await own.apply('a', { instances: { z1: 2 }, weights: { z1: 1 } });
      const b = await own.apply('b', { instances: { z2: 1 }, weights: { z2: 1 } });
      const pids = [...a.instances, ...b.instances].map((i) => i.pid!);
      expect(pids.every((pid) => !gone(pid))).toBe(true);
      await own.close();
      expect(pids.filter((pid) => !gone(pid))).toEqual([]);
      expect(pids.flatMap((pid) => groupMembers(pid) ?? [])).toEqual([]);
      await expect(fetch(a.url)).rejects.toThrow();
    } finally {
      await own.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the instances a killed orchestrator left behind when the next one starts on its data folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-deploy-orphans-'));
    const killed = new LocalOrchestrator({ dataDir: dir, ports: {} });
    try {
      await killed.prepare('o', apps.fast.release('o1'));
      const state = await killed.apply('o', { instances: { o1: 2 }, weights: { o1: 1 } });
      const pids = state.instances.map((i) => i.pid!);
      expect(fs.readdirSync(path.join(dir, 'deploy', 'pids')).sort()).toEqual(pids.map(String).sort());
      // `killed` never closes, as when its process died by SIGKILL; the next one reaps.
      const next = new LocalOrchestrator({ dataDir: dir, ports: {} });
      await waitFor(() => pids.every((pid) => gone(pid) && (groupMembers(pid) ?? []).length === 0), {
        timeoutMs: 10_000,
        what: 'the orphaned instances to stop',
      });
      expect(fs.readdirSync(path.join(dir, 'deploy', 'pids'))).toEqual([]);
      await next.close();
    } finally {
      await killed.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
