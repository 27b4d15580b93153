// Manual runs through the API, against a real git repository: the default
// branch, a branch, a tag or a SHA; by role; with clear refusals.
import { type TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/db';
import { createGitRepo, type TestRepo } from '../../../tests/git-repo';
import { testServices, type TestServices } from '../../../tests/services';
import { createContext } from '../../api/context';
import { createCaller } from '../../api/root';
import { createRepo } from '../repo/repos';
import { createUser, type PublicUser } from '../user/users';

const PIPELINE = 'stages: [test]\njobs:\n  unit:\n    stage: test\n    script: echo ok\n';

let db: TestDatabase;
let services: TestServices;
let repo: TestRepo;
let developer: PublicUser;
let viewer: PublicUser;

const as = async (user: PublicUser) => createCaller(await createContext(services, null, async () => user));

beforeAll(async () => {
  db = await createTestDatabase();
  services = await testServices(db.prisma, db.url);
  repo = createGitRepo({ '.ci/pipeline.yml': PIPELINE });
  await createRepo(db.prisma, services.box, { name: 'web', cloneUrl: repo.url });
  developer = await createUser(db.prisma, { email: 'dev@example.com', password: 'password-123', role: 'developer' });
  viewer = await createUser(db.prisma, { email: 'viewer@example.com', password: 'password-123', role: 'viewer' });
});
afterAll(async () => {
  await services.close();
  await db.drop();
  repo.remove();
});

describe('manual runs', () => {
  it('runs the default branch by default, recording the actor', async () => {
    const api = await as(developer);
    const run = await api.runs.trigger({ repo: 'web' });
    const got = await api.runs.get({ id: run.id });
    expect(got).toMatchObject({
      trigger: 'manual',
      branch: 'main',
      commitSha: repo.sha('main'),
      actor: 'dev@example.com',
      status: 'pending',
      repo: 'web',
    });
    expect(got.events[0]).toMatchObject({ toStatus: 'pending', actor: 'dev@example.com' });
  });

  it('runs a branch, a tag, and a commit by SHA', async () => {
    const api = await as(developer);
    repo.branch('release');
    const releaseSha = repo.commit({ 'x.txt': '1' }, 'release work');
    repo.tag('v1.0.0');
    repo.checkout('main');

    const onBranch = await api.runs.get({ id: (await api.runs.trigger({ repo: 'web', ref: 'release' })).id });
    expect(onBranch).toMatchObject({
      branch: 'release',
      tag: null,
      commitSha: releaseSha,
      commitMessage: 'release work',
    });
    const onTag = await api.runs.get({ id: (await api.runs.trigger({ repo: 'web', ref: 'v1.0.0' })).id });
    expect(onTag).toMatchObject({ tag: 'v1.0.0', branch: null, commitSha: releaseSha });
    const bySha = await api.runs.get({ id: (await api.runs.trigger({ repo: 'web', sha: releaseSha })).id });
    expect(bySha).toMatchObject({ commitSha: releaseSha, branch: null });
    expect([onBranch.number, onTag.number, bySha.number]).toEqual([
      onBranch.number,
      onBranch.number + 1,
      onBranch.number + 2,
    ]);
  });

  it('refuses unknown refs and repos clearly, and a viewer outright', async () => {
    const api = await as(developer);
    await expect(api.runs.trigger({ repo: 'web', ref: 'no-such-branch' })).rejects.toThrow(
      /No branch, tag or commit named no-such-branch/,
    );
    await expect(api.runs.trigger({ repo: 'nope' })).rejects.toThrow(/Repository nope not found/);
    await expect(api.runs.trigger({ repo: 'web', sha: 'abc' })).rejects.toThrow(/40-character/);
    const err = await (await as(viewer)).runs.trigger({ repo: 'web' }).catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe('FORBIDDEN');
  });

  it('honours the config: a pipeline without `manual` in `on` is not run by hand', async () => {
    repo.commit({ '.ci/pipeline.yml': `on: [push]\n${PIPELINE}` }, 'push only');
    const before = await db.prisma.pipelineRun.count();
    await expect((await as(developer)).runs.trigger({ repo: 'web' })).rejects.toThrow(/does not include manual/);
    expect(await db.prisma.pipelineRun.count()).toBe(before);
  });
});
