// `npm start` as a person uses it, next to the instance the other specs use:
// a second system in its own data folder comes up healthy, the CLI works
// against it, a restart is fast, and Ctrl-C (SIGINT) leaves no process behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

const port = Number(process.env.E2E_LIFECYCLE_PORT ?? 3124);
const base = `http://localhost:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-lifecycle-'));
fs.chmodSync(dataDir, 0o755);
const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-'));
const admin = { email: 'lifecycle@e2e.test', password: 'lifecycle-password' };

const started: ChildProcess[] = [];
test.afterAll(() => {
  // A failed assertion must not leave a system running for the next test run.
  for (const proc of started) {
    if (proc.exitCode !== null) continue;
    for (const pid of [...descendants(proc.pid!), proc.pid!]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

function startSystem(): { proc: ChildProcess; output: () => string } {
  let out = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SWITCHYARD_URL: base,
      SWITCHYARD_ADMIN_EMAIL: admin.email,
      SWITCHYARD_ADMIN_PASSWORD: admin.password,
      AUTH_SECRET: 'lifecycle-secret-not-for-production',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(proc);
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, output: () => out };
}

async function untilHealthy(deadlineMs: number, output: () => string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy within ${deadlineMs} ms; output:\n${output()}`);
}

/** Every process below `pid` (children in their own process groups included). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent === p) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** The processes still running among `pids`, with their command lines. */
function alive(pids: number[]): string[] {
  return pids.flatMap((p) => {
    try {
      process.kill(p, 0);
    } catch {
      return [];
    }
    try {
      return [`${p} ${execFileSync('ps', ['-o', 'args=', '-p', String(p)], { encoding: 'utf8' }).trim()}`];
    } catch {
      return []; // exited in between
    }
  });
}

function cli(args: string[], input?: string) {
  try {
    const stdout = execFileSync(process.execPath, ['bin/switchyard.mjs', ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: configHome, SWITCHYARD_URL: base, SWITCHYARD_TOKEN: '' },
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

async function stopWithCtrlC(proc: ChildProcess): Promise<{ code: number | null; leftovers: string[] }> {
  const tree = descendants(proc.pid!);
  expect(tree.length).toBeGreaterThanOrEqual(4); // postgres, web, scheduler, runner (and their children)
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGINT');
  const code = await exited;
  await new Promise((r) => setTimeout(r, 500));
  return { code, leftovers: alive(tree) };
}

test('npm start comes up, the CLI works against it, and Ctrl-C leaves nothing behind', async () => {
  const first = startSystem();
  const ms = await untilHealthy(180_000, first.output);
  console.log(`first start to healthy (build existed): ${ms} ms`);
  await expect.poll(first.output, { timeout: 30_000 }).toContain('Switchyard is up');
  expect(first.output()).toContain(`sign in   ${admin.email}`);

  // The CLI, as a person uses it.
  const login = cli(['login', '--url', base, '--email', admin.email, '--password-stdin'], `${admin.password}\n`);
  expect(login.stderr + login.stdout).toContain(`Signed in as ${admin.email} (admin)`);
  expect(fs.statSync(path.join(configHome, 'switchyard', 'config.json')).mode & 0o777).toBe(0o600);
  const added = cli(['repo', 'add', 'acme/api', '--url', 'https://example.com/acme/api.git']);
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).toMatch(/Webhook secret[\s\S]*[0-9a-f]{64}/);
  const listed = JSON.parse(cli(['--json', 'repo', 'list']).stdout) as { name: string }[];
  expect(listed.map((r) => r.name).sort()).toEqual(['acme/api', 'demo']);
  const bad = cli(['repo', 'add', 'x', '--url', 'ftp://nope']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('https:// URL');
  const refused = execFileSync(
    'sh',
    ['-c', `SWITCHYARD_TOKEN=sy_pat_bogus node bin/switchyard.mjs repo list; echo "exit=$?"`],
    {
      env: { ...process.env, XDG_CONFIG_HOME: configHome, SWITCHYARD_URL: base },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  expect(refused).toContain('exit=3');
  const triggered = cli(['run', 'trigger', 'demo']);
  expect(triggered.code, triggered.stderr).toBe(0);
  const runId = triggered.stdout.trim();
  expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  const shown = JSON.parse(cli(['--json', 'run', 'status', runId]).stdout) as Record<string, unknown>;
  expect(shown).toMatchObject({
    id: runId,
    repo: 'demo',
    trigger: 'manual',
    branch: 'main',
    actor: admin.email,
    number: 1,
  });
  const human = cli(['run', 'status', runId]);
  expect(human.stdout).toContain('demo #1');
  expect(human.stdout).toContain('Demo service and pipeline');
  const unknownRef = cli(['run', 'trigger', 'demo', '--ref', 'no-such-branch']);
  expect(unknownRef.code).toBe(1);
  expect(unknownRef.stderr).toContain('No branch, tag or commit named no-such-branch');
  const reg = cli(['token', 'create', '--runner', '--max-uses', '1']);
  expect(reg.stdout).toMatch(/sy_reg_/);

  const stopped = await stopWithCtrlC(first.proc);
  expect(stopped.code).toBe(0);
  expect(stopped.leftovers).toEqual([]);

  // A second start reuses the database, the build and the runner's registration.
  const second = startSystem();
  const secondMs = await untilHealthy(15_000, second.output);
  console.log(`second start to healthy: ${secondMs} ms`);
  await expect.poll(second.output, { timeout: 30_000 }).toContain('runner online');
  expect(second.output()).not.toContain('registered');
  const again = await stopWithCtrlC(second.proc);
  expect(again.code).toBe(0);
  expect(again.leftovers).toEqual([]);
});
