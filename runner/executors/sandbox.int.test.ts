// A shell job cannot reach the runner's token, files or environment: the
// environment is scrubbed always, and where bubblewrap exists the job runs in
// a sandbox with only its workspace writable.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { startTestSystem, type TestSystem } from '../../tests/system';
import { createRepo } from '../../server/domain/repo/repos';
import { triggerRun } from '../../server/domain/run/trigger-run';
import { bwrapAvailable } from './sandbox';

let system: TestSystem;
let repo: TestRepo;
const CANARY = `canary-${Math.random().toString(36).slice(2)}`;

beforeAll(async () => {
  system = await startTestSystem();
  repo = createGitRepo({ 'README.md': 'sandbox' });
  await createRepo(system.db.prisma, system.services.box, { name: 'sandbox', cloneUrl: repo.url });
  await system.startRunner({ name: 'guarded', env: { RUNNER_SECRET_CANARY: CANARY } });
});
afterAll(async () => {
  await system?.stop();
  repo.remove();
});

describe('the shell executor', () => {
  it('keeps the runner token, files and environment out of the job', async () => {
    const stateFile = `${system.stateDirOf('guarded')}/runner.json`;
    const saved = await waitFor(() => (fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : null), {
      timeoutMs: 20_000,
      what: 'the runner to register',
    });
    const token = (JSON.parse(saved) as { token: string }).token;
    const sha = repo.commit({
      '.ci/pipeline.yml': `jobs:
  snoop:
    variables: { STATE_FILE: "${stateFile}" }
    script:
      - env | sort
      - cat "$STATE_FILE" || echo "state file unreachable"
      - cat /proc/*/environ 2>/dev/null | tr '\\\\0' '\\\\n' | grep -c RUNNER_SECRET_CANARY || echo "no canary in /proc"
      - echo written > inside.txt && echo "workspace writable"
      - touch /usr/escape 2>/dev/null || echo "system read-only"
`,
    });
    const repoRow = await system.db.prisma.repo.findUniqueOrThrow({ where: { name: 'sandbox' } });
    const result = await triggerRun(system.services, {
      repo: { id: repoRow.id, cloneUrl: repoRow.cloneUrl, configPath: repoRow.configPath, defaultBranch: 'main' },
      trigger: 'push',
      sha,
      branch: 'main',
    });
    if (result.outcome !== 'run_created') throw new Error(result.reason);
    const job = await waitFor(
      async () => {
        const j = await system.db.prisma.job.findFirst({ where: { runId: result.run.id, name: 'snoop' } });
        return j?.finishedAt ? j : null;
      },
      { timeoutMs: 30_000, what: 'the snooping job to finish' },
    );
    const log = await system.services.logs.read(job.id, 1);
    expect(job.status, log).toBe('success');
    expect(log).not.toContain(CANARY);
    expect(log).not.toMatch(/DATABASE_URL|AUTH_SECRET|SWITCHYARD_RUNNER/);
    expect(log).toContain(`CI_COMMIT_SHA=${sha}`);
    expect(log).toContain('workspace writable');
    if (bwrapAvailable()) {
      expect(log).toContain('sandboxed by bubblewrap');
      expect(log).not.toContain(token);
      expect(log).toContain('state file unreachable');
      expect(log).toContain('system read-only');
      expect(log).toContain('CI_PROJECT_DIR=/workspace');
    } else {
      // Without a sandbox the job runs as the runner's user and can read its files: the first line says so.
      expect(log).toContain('not sandboxed');
    }
  });
});
