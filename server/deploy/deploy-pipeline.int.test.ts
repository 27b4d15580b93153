// Deployments end to end: real runs build the app as an artifact with a real
// runner process; the deployer rolls it out with the local orchestrator (real
// app processes behind the real traffic-splitting proxy) and judges health
// from real HTTP traffic. Windows are 2 s with synthetic traffic so each
// rollout takes seconds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import { createServerApi } from '../../runner/api';
import { createApiToken } from '../domain/user/api-tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../db/generated/client';
import { decideApproval } from '../domain/deployment/approvals';
import { requestRollback } from '../domain/deployment/rollback';
import { runnersOverview } from '../domain/runner/overview';
import { createUser } from '../domain/user/users';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import type { LocalOrchestrator } from './local/local-orchestrator';

const FIXTURE = new URL('../../tests/fixtures/deploy-app/', import.meta.url);
const appFiles = (label: string, failEvery = 0) => ({
  Procfile: fs.readFileSync(new URL('Procfile', FIXTURE), 'utf8'),
  'package.json': fs.readFileSync(new URL('package.json', FIXTURE), 'utf8'),
  'server.js': fs.readFileSync(new URL('server.js', FIXTURE), 'utf8'),
  'app.json': JSON.stringify({ label, failEvery, delayMs: 0, crash: false }),
});

function pipeline(deploy: string): string {
  return `
jobs:
  build:
    stage: build
    script: [test -f server.js]
    artifacts: { name: web, paths: [Procfile, package.json, server.js, app.json] }
  ship:
    stage: deploy
    deploy: ${deploy}
`;
}

let system: TestSystem;
let repo: PipelineRepo;
let orchestrator: LocalOrchestrator;

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('deploys');
  await system.startRunner({ concurrency: 2 });
  ({ orchestrator } = await system.startDeployer({ probePerSecond: 25 }));
}, 60_000);

afterAll(() => system?.stop(), 60_000);

/** Pushes the app labelled `label` with `deploy` and waits for its run to finish. */
async function ship(label: string, deploy: string, failEvery = 0) {
  repo.git.commit(appFiles(label, failEvery), `app ${label}`);
  const { run } = await repo.push(pipeline(deploy));
  const finished = await system.finished(run.id, 90_000);
  const deployment = await system.db.prisma.deployment.findFirstOrThrow({
    where: { runId: run.id },
    include: { healthChecks: { orderBy: { createdAt: 'asc' } } },
  });
  return { run: finished, deployment };
}

async function answers(environment: string, n: number): Promise<Record<string, number>> {
  const url = orchestrator.state(environment)!.url;
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const body = (await (await fetch(url)).text()).trim();
    seen[body] = (seen[body] ?? 0) + 1;
  }
  return seen;
}

function versionOf(d: Deployment) {
  return `version=${d.version}`;
}

describe('canary', () => {
  const deploy = `{ environment: production, artifact: web, strategy: canary, steps: [10, 50, 100], approval: none, health: { max_error_rate: 0.05, window: 2s } }`;
  let v1: Deployment;

  it('deploys a first version straight to 100 %, and production healthy is the run deploy time', async () => {
    const { run, deployment } = await ship('v1', deploy);
    v1 = deployment;
    expect(deployment).toMatchObject({ status: 'success', trafficPercent: 100, previousDeploymentId: null });
    expect(deployment.healthChecks.map((h) => [h.step, h.verdict])).toEqual([[100, 'pass']]);
    expect(run.byName.ship).toMatchObject({ status: 'success' });
    expect(run.status).toBe('success');
    expect(run.deployedAt).toEqual(deployment.deployedAt);
    expect(await answers('production', 10)).toEqual({ [versionOf(deployment)]: 10 });
  }, 120_000);

  it('walks a good version 10 → 50 → 100 % and then serves only it', async () => {
    const { deployment } = await ship('v2', deploy);
    expect(deployment).toMatchObject({ status: 'success', previousDeploymentId: v1.id });
    expect(deployment.healthChecks.map((h) => [h.step, h.verdict])).toEqual([
      [10, 'pass'],
      [50, 'pass'],
      [100, 'pass'],
    ]);
    expect(deployment.healthChecks[0]!.requests).toBeGreaterThanOrEqual(20);
    const steps = await system.db.prisma.runEvent.findMany({
      where: { deploymentId: deployment.id, kind: 'deployment.step' },
      orderBy: { id: 'asc' },
    });
    expect(steps.map((e) => (e.data as { percent: number }).percent)).toEqual([10, 50, 100]);
    expect(await answers('production', 20)).toEqual({ [versionOf(deployment)]: 20 });
    expect(orchestrator.state('production')!.instances.every((i) => i.version === deployment.version)).toBe(true);
  }, 120_000);

  it('rolls a version failing 10 % of requests back within its first window; the old one serves all traffic', async () => {
    const before = await system.db.prisma.deployment.findFirstOrThrow({
      where: { environment: 'production', status: 'success' },
      orderBy: { deployedAt: 'desc' },
    });
    const t0 = Date.now();
    const { run, deployment } = await ship('v3', deploy, 10);
    expect(deployment.status).toBe('rolled_back');
    expect(deployment.statusReason).toMatch(/^at 10 % of traffic: error rate \d+(\.\d+)? % is over 5 % \(\d+ of \d+\)/);
    expect(deployment.statusReason).toContain('serves all traffic again');
    expect(deployment.healthChecks).toHaveLength(1);
    expect(deployment.healthChecks[0]).toMatchObject({ step: 10, verdict: 'fail' });
    expect(deployment.healthChecks[0]!.errorRate).toBeGreaterThan(0.05);
    expect(Date.now() - t0).toBeLessThan(60_000);
    const rollback = await system.db.prisma.runEvent.findFirstOrThrow({
      where: { deploymentId: deployment.id, kind: 'deployment.rollback' },
    });
    expect(rollback.data).toMatchObject({ percent: 10 });
    expect(run.byName.ship).toMatchObject({ status: 'failed' });
    expect(run.status).toBe('failed');
    expect(run.deployedAt).toBeNull();
    expect(await answers('production', 20)).toEqual({ [versionOf(before)]: 20 });
  }, 120_000);
});

describe('blue-green', () => {
  const deploy = `{ environment: bluegreen, artifact: web, strategy: blue_green, health: { max_error_rate: 0.01, window: 2s } }`;

  it('switches under continuous load without losing a request, keeps the old colour, and rolls back to it in one call', async () => {
    const { deployment: blue } = await ship('blue', deploy);
    expect(blue.status).toBe('success');
    const url = orchestrator.state('bluegreen')!.url;
    let stop = false;
    const failures: string[] = [];
    const seen = new Map<string, number>();
    const load = Array.from({ length: 6 }, async () => {
      while (!stop) {
        try {
          const res = await fetch(url);
          const body = (await res.text()).trim();
          if (res.status !== 200) failures.push(`${res.status} ${body}`);
          else seen.set(body, (seen.get(body) ?? 0) + 1);
        } catch (err) {
          failures.push(String(err));
        }
      }
    });
    const { deployment: green } = await ship('green', deploy);
    stop = true;
    await Promise.all(load);
    expect(green.status).toBe('success');
    expect(failures).toEqual([]);
    expect(seen.get(versionOf(blue))).toBeGreaterThan(50);
    expect(seen.get(versionOf(green))).toBeGreaterThan(50);
    // The old colour stays up, taking no traffic.
    const state = orchestrator.state('bluegreen')!;
    expect(state.weights).toEqual({ [blue.version!]: 0, [green.version!]: 100 });
    expect(state.instances.filter((i) => i.version === blue.version)).toHaveLength(2);

    const deployer = await createUser(system.db.prisma, {
      email: 'ops@example.com',
      password: 'password-123',
      role: 'deployer',
    });
    const rb = await requestRollback(
      system.db.prisma,
      { environment: 'bluegreen', toDeploymentId: blue.id, reason: 'green looks off' },
      deployer,
      new Date(),
    );
    const done = await waitFor(
      async () => {
        const d = await system.db.prisma.deployment.findUniqueOrThrow({ where: { id: rb.id } });
        return d.status === 'success' || d.status === 'failed' ? d : null;
      },
      { timeoutMs: 30_000, what: 'the rollback' },
    );
    expect(done).toMatchObject({
      status: 'success',
      rollbackOfId: blue.id,
      version: blue.version,
      triggeredBy: 'ops@example.com',
      note: 'green looks off',
    });
    expect(await answers('bluegreen', 10)).toEqual({ [versionOf(blue)]: 10 });
  }, 180_000);
});

describe('rolling', () => {
  const deploy = `{ environment: rolling, artifact: web, strategy: rolling, instances: 3, health: { window: 2s } }`;

  it('replaces every instance, one at a time', async () => {
    const { deployment: a } = await ship('a', deploy);
    const before = orchestrator.state('rolling')!.instances.map((i) => i.port);
    expect(before).toHaveLength(3);
    const { deployment: b } = await ship('b', deploy);
    expect(b.status).toBe('success');
    expect(b.healthChecks.map((h) => h.step)).toEqual([33, 67, 100]);
    const after = orchestrator.state('rolling')!.instances;
    expect(after.map((i) => i.version)).toEqual([b.version, b.version, b.version]);
    expect(after.filter((i) => before.includes(i.port))).toEqual([]);
    expect(a.version).not.toBe(b.version);
  }, 120_000);

  it('rolls back from the CLI to the deployment before, and the API refuses a viewer', async () => {
    const users = await Promise.all(
      (['viewer', 'deployer'] as const).map((role) =>
        createUser(system.db.prisma, { email: `${role}-cli@example.com`, password: 'password-123', role }),
      ),
    );
    const [viewerToken, deployerToken] = await Promise.all(
      users.map((u) => createApiToken(system.db.prisma, u.id, { name: 'cli' }, new Date())),
    );
    await expect(
      createServerApi(system.url, () => viewerToken!.token).deployments.rollback.mutate({ environment: 'rolling' }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    // Asynchronously: the API it talks to runs in this process.
    const cli = async (...args: string[]) =>
      (
        await promisify(execFile)(process.execPath, ['bin/switchyard.mjs', ...args], {
          encoding: 'utf8',
          env: { ...process.env, SWITCHYARD_URL: system.url, SWITCHYARD_TOKEN: deployerToken!.token },
        })
      ).stdout;
    const [a] = await system.db.prisma.deployment.findMany({
      where: { environment: 'rolling', status: 'success' },
      orderBy: { deployedAt: 'asc' },
    });
    expect(await cli('deploy', 'rollback', 'rolling', '--reason', 'b is slow')).toContain(
      `Rolling rolling back to ${a!.commitSha.slice(0, 7)}`,
    );
    const rb = await waitFor(
      () =>
        system.db.prisma.deployment.findFirst({
          where: { environment: 'rolling', rollbackOfId: a!.id, status: { in: ['success', 'failed'] } },
        }),
      { timeoutMs: 30_000, what: 'the rollback' },
    );
    expect(rb).toMatchObject({ status: 'success', triggeredBy: 'deployer-cli@example.com', note: 'b is slow' });
    expect(await answers('rolling', 6)).toEqual({ [versionOf(rb)]: 6 });
    expect(await cli('deploy', 'list', 'rolling')).toContain('rolled back');
  }, 60_000);
});

describe('approval gates', () => {
  const deploy = `{ environment: gated, artifact: web, approval: { approvals: 2 }, health: { window: 2s } }`;

  it('waits without a runner until enough deployers approve; a viewer and the person who started the run cannot', async () => {
    repo.git.commit(appFiles('gated'), 'app gated');
    const { run } = await repo.push(pipeline(deploy));
    const waiting = await waitFor(
      () => system.db.prisma.deployment.findFirst({ where: { runId: run.id, status: 'awaiting_approval' } }),
      { timeoutMs: 60_000, what: 'the deployment to wait for approval' },
    );
    const job = await system.db.prisma.job.findFirstOrThrow({ where: { id: waiting.jobId! } });
    expect(job).toMatchObject({
      status: 'queued',
      statusReason: 'waiting for approval (0 of 2)',
      runnerId: null,
      pool: 'deploy:gated',
    });
    // It is in no runner's queue.
    const overview = await runnersOverview(system.db.prisma, new Date());
    expect(overview.pools.map((p) => p.pool)).not.toContain('deploy:gated');
    expect(overview.pools.flatMap((p) => p.waiting.map((w) => w.id))).not.toContain(job.id);

    const users = await Promise.all(
      (['viewer', 'deployer', 'admin'] as const).map((role) =>
        createUser(system.db.prisma, { email: `${role}-gate@example.com`, password: 'password-123', role }),
      ),
    );
    const [viewer, deployer, admin] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const decide = (user: typeof viewer, decision: 'approved' | 'rejected') =>
      decideApproval(
        system.db.prisma,
        system.services.enqueue,
        { deploymentId: waiting.id, decision, comment: 'ok' },
        user,
        new Date(),
      );
    await expect(decide(viewer, 'approved')).rejects.toThrow('Only a deployer can approve');
    await system.db.prisma.pipelineRun.updateMany({ where: { id: run.id }, data: { actorUserId: admin.id } });
    await expect(decide(admin, 'approved')).rejects.toThrow('You started this run');
    expect(await decide(deployer, 'approved')).toEqual({ status: 'awaiting_approval', approvals: 1 });
    await expect(decide(deployer, 'approved')).rejects.toThrow('already decided');
    const second = await createUser(system.db.prisma, {
      email: 'second@example.com',
      password: 'password-123',
      role: 'deployer',
    });
    expect(await decide(second, 'approved')).toEqual({ status: 'pending', approvals: 2 });
    const finished = await system.finished(run.id, 60_000);
    expect(finished.byName.ship).toMatchObject({ status: 'success' });
    const events = await system.db.prisma.runEvent.findMany({
      where: { deploymentId: waiting.id, kind: 'approval' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.actor, e.toStatus])).toEqual([
      ['deployer-gate@example.com', 'approved'],
      ['second@example.com', 'approved'],
    ]);
  }, 120_000);

  it('a rejection ends the deployment and says who and why', async () => {
    const { run } = await repo.push(pipeline(deploy));
    const waiting = await waitFor(
      () => system.db.prisma.deployment.findFirst({ where: { runId: run.id, status: 'awaiting_approval' } }),
      { timeoutMs: 60_000, what: 'the deployment to wait for approval' },
    );
    const deployer = await system.db.prisma.user.findFirstOrThrow({ where: { email: 'deployer-gate@example.com' } });
    await decideApproval(
      system.db.prisma,
      system.services.enqueue,
      { deploymentId: waiting.id, decision: 'rejected', comment: 'not on a Friday' },
      { id: deployer.id, email: deployer.email, role: 'deployer' },
      new Date(),
    );
    const finished = await system.finished(run.id, 30_000);
    expect(finished.byName.ship).toMatchObject({
      status: 'cancelled',
      statusReason: 'rejected by deployer-gate@example.com: not on a Friday',
    });
    const dep = await system.db.prisma.deployment.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(dep.status).toBe('rejected');
  }, 60_000);
});
