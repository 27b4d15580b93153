// Cron schedules: the default branch's config registers a pg-boss schedule;
// a tick becomes a low-priority run of the default branch; removing
// `schedule` from the config removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/db';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { testServices, type TestServices } from '../../tests/services';
import { createRepo } from '../domain/repo/repos';
import { scheduleQueue } from '../domain/run/schedules';
import { triggerRun } from '../domain/run/trigger-run';
import { fireScheduledRuns } from './scheduled-runs';

const JOBS = 'stages: [test]\njobs:\n  nightly:\n    stage: test\n    script: echo nightly\n';

let db: TestDatabase;
let services: TestServices;
let repo: TestRepo;
let target: { id: string; cloneUrl: string; configPath: string; defaultBranch: string };
let pipelineId: string;

async function push(sha: string, branch = 'main') {
  return triggerRun(services, { repo: target, trigger: 'push', sha, branch, actor: 'dev' });
}

async function scheduleRows() {
  const { rows } = await db.pg.query('SELECT name, cron, timezone FROM pgboss.schedule WHERE name = $1', [
    scheduleQueue(pipelineId),
  ]);
  return rows;
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = await testServices(db.prisma, db.url);
  repo = createGitRepo({ '.ci/pipeline.yml': `on: [push, schedule]\nschedule: "0 3 * * *"\n${JOBS}` });
  const created = await createRepo(db.prisma, services.box, { name: 'nightly', cloneUrl: repo.url });
  target = { id: created.id, cloneUrl: created.cloneUrl, configPath: created.configPath, defaultBranch: 'main' };
  pipelineId = (await db.prisma.pipeline.findFirstOrThrow({ where: { repoId: created.id } })).id;
});
afterAll(async () => {
  await services.close();
  await db.drop();
  repo.remove();
});

describe('schedules', () => {
  it('a push to the default branch registers the config schedule with pg-boss', async () => {
    await push(repo.sha());
    expect((await db.prisma.pipeline.findUniqueOrThrow({ where: { id: pipelineId } })).schedule).toBe('0 3 * * *');
    expect(await scheduleRows()).toEqual([{ name: scheduleQueue(pipelineId), cron: '0 3 * * *', timezone: 'UTC' }]);
  });

  it('a push to another branch does not change the schedule', async () => {
    repo.branch('feature');
    const sha = repo.commit(
      { '.ci/pipeline.yml': `on: [push, schedule]\nschedule: "*/5 * * * *"\n${JOBS}` },
      'feature schedule',
    );
    repo.checkout('main');
    await push(sha, 'feature');
    expect((await scheduleRows())[0]?.cron).toBe('0 3 * * *');
  });

  it('a tick becomes one low-priority run of the default branch', async () => {
    await services.boss.send(scheduleQueue(pipelineId), { pipelineId });
    const created = await fireScheduledRuns({ ...services });
    expect(created).toBe(1);
    const run = await db.prisma.pipelineRun.findFirstOrThrow({ where: { trigger: 'schedule' } });
    expect(run).toMatchObject({
      branch: 'main',
      commitSha: repo.sha('main'),
      priority: 0,
      actor: 'schedule',
      status: 'pending',
    });
    expect(await fireScheduledRuns({ ...services })).toBe(0); // the tick was taken once
    const { rows } = await db.pg.query(`SELECT state FROM pgboss.job WHERE name = $1`, [scheduleQueue(pipelineId)]);
    expect(rows).toEqual([{ state: 'completed' }]);
  });

  it('removing `schedule` from the default branch removes the pg-boss schedule', async () => {
    await push(repo.commit({ '.ci/pipeline.yml': JOBS }, 'no more nightly'));
    expect((await db.prisma.pipeline.findUniqueOrThrow({ where: { id: pipelineId } })).schedule).toBeNull();
    expect(await scheduleRows()).toEqual([]);
    expect(await fireScheduledRuns({ ...services })).toBe(0);
  });
});
