// The container executor against a real Podman (tests/container-engine.ts):
// what a job sees (the image's system, its workspace, its variables, no
// network unless asked), the limits (memory, timeout, cancel), its output,
// and that no container outlives its job.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import {
  startContainerEngine,
  TEST_IMAGE,
  TEST_IMAGE_OS_NAME,
  type ContainerEngine,
} from '../../tests/container-engine';
import { containerEngine, runInContainer, type ContainerEngineOptions, type ContainerJob } from './container';
import type { ExecResult } from './result';

/** Every job of this file is named with it, so leaks are found without touching anyone else's containers. */
const RUN = `ctest-${randomBytes(3).toString('hex')}`;
const MiB = 1024 * 1024;
const CANARY_VAR = 'SWITCHYARD_TEST_RUNNER_CANARY';
const CANARY = `canary-${randomBytes(6).toString('hex')}`;

let engine: ContainerEngine;
let root: string;
let server: http.Server;
let port: number;

interface Ran {
  result: ExecResult;
  output: string;
  ms: number;
}

async function runJob(
  script: string,
  opts: { job?: Partial<ContainerJob>; engine?: Partial<ContainerEngineOptions>; cancelled?: Promise<void> } = {},
  onOutput?: (all: string) => void,
): Promise<Ran> {
  const workspace = opts.job?.workspace ?? fs.mkdtempSync(path.join(root, 'ws-'));
  let output = '';
  const started = Date.now();
  const result = await runInContainer(
    { socketPath: engine.socketPath, pull: 'never', ...opts.engine },
    {
      image: TEST_IMAGE,
      script,
      env: { JOB_VAR: 'from the job' },
      workspace,
      timeoutSeconds: 30,
      network: false,
      name: `${RUN} ${expect.getState().currentTestName ?? 'job'}`,
      ...opts.job,
    },
    {
      output: (text) => {
        output += text;
        onOutput?.(output);
      },
      cancelled: opts.cancelled ?? new Promise(() => undefined),
    },
  );
  return { result, output, ms: Date.now() - started };
}

async function leftovers(): Promise<string[]> {
  const all = await containerEngine({ socketPath: engine.socketPath }).listContainers({ all: true });
  return all.filter((c) => c.Labels?.['dev.switchyard.job']?.startsWith(RUN)).map((c) => `${c.Names[0]} (${c.State})`);
}

beforeAll(async () => {
  engine = await startContainerEngine();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-container-test-'));
  process.env[CANARY_VAR] = CANARY;
  // On all addresses: the bridge test reaches it through the bridge's gateway.
  server = http.createServer((_req, res) => res.end('hello from the host\n'));
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  expect(await leftovers()).toEqual([]);
});
afterAll(async () => {
  const left = engine ? await leftovers() : [];
  delete process.env[CANARY_VAR];
  await new Promise((resolve) => server?.close(resolve));
  await engine?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
  expect(left).toEqual([]);
});

describe('the container executor', () => {
  it("runs the job in the image's system, not the host's", async () => {
    const { result, output } = await runJob('cat /etc/os-release');
    expect(result, output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(output).toContain(`NAME="${TEST_IMAGE_OS_NAME}"`);
    expect(output).not.toContain('Debian');
  });

  it('bind-mounts the workspace read-write as the working directory', async () => {
    const workspace = fs.mkdtempSync(path.join(root, 'ws-'));
    fs.writeFileSync(path.join(workspace, 'in.txt'), 'written by the host\n');
    const { result, output } = await runJob('pwd; cat in.txt; echo "written by the job" > /workspace/out.txt', {
      job: { workspace },
    });
    expect(result, output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(output).toBe('/workspace\nwritten by the host\n');
    expect(fs.readFileSync(path.join(workspace, 'out.txt'), 'utf8')).toBe('written by the job\n');
  });

  it("gives the job its variables and none of the runner's, with the runner's ulimits", async () => {
    const { result, output } = await runJob('env; echo "nofile=$(ulimit -n)"');
    expect(result, output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(output).toContain('JOB_VAR=from the job');
    expect(output).not.toContain(CANARY_VAR);
    expect(output).not.toContain(CANARY);
    expect(output).not.toMatch(/DATABASE_URL|AUTH_SECRET/);
    expect(output).toContain('nofile=20000');
  });

  it('has only loopback and cannot reach the host without network', async () => {
    const { result, output } = await runJob(
      `ls /sys/class/net
      if timeout 5 wget -q -O - http://127.0.0.1:${port}/; then echo REACHED; else echo UNREACHABLE; fi`,
    );
    expect(result, output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(output.split('\n')[0]).toBe('lo');
    expect(output).toContain('UNREACHABLE');
    expect(output).not.toContain('hello from the host');
  });

  it('reaches the host through the bridge with network', async () => {
    const { result, output } = await runJob(
      `ls /sys/class/net
      gateway=$(ip route | awk '/^default/ { print $3 }')
      timeout 5 wget -q -O - "http://$gateway:${port}/"`,
      { job: { network: true } },
    );
    expect(result, output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(output).toContain('eth0');
    expect(output).toContain('hello from the host');
  });

  it('limits memory and pids, and kills a job that goes over its memory limit, saying so', async () => {
    // The limits are on the container's cgroup (v1 here, v2 elsewhere): memory, memory+swap, pids.
    const small = await runJob(
      `cd /sys/fs/cgroup
      cat memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max 2>/dev/null ||
        cat memory.max memory.swap.max pids.max`,
      { engine: { memoryBytes: 64 * MiB, pidsLimit: 50 } },
    );
    expect(small.result, small.output).toEqual({ exitCode: 0, reason: 'exit_code' });
    expect(small.output).toMatch(/^67108864\n(67108864|0)\n50\n$/);
    // awk doubles a string until the cgroup's OOM killer stops it.
    const { result, output } = await runJob(
      `awk 'BEGIN { s = "0123456789abcdef"; while (1) s = s s }'; echo survived`,
      {
        engine: { memoryBytes: 64 * MiB },
      },
    );
    const message = 'the job went over its memory limit of 64 MiB and was killed';
    expect(result, output).toEqual({ exitCode: 137, reason: 'exit_code', message });
    expect(output).toContain(`${message}\n`);
    expect(output).not.toContain('survived');
  });

  it('stops a job that runs past its timeout', async () => {
    const { result, output, ms } = await runJob('echo started; sleep 30; echo finished', {
      job: { timeoutSeconds: 1 },
    });
    expect(result, output).toEqual({ exitCode: null, reason: 'timeout' });
    expect(output).toBe('started\n\nStopped: the job ran past its timeout of 1 s\n');
    expect(ms).toBeLessThan(6_000);
  });

  it('stops a cancelled job', async () => {
    let cancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    let seen = '';
    const running = runJob('echo started; sleep 30; echo finished', { cancelled }, (all) => (seen = all));
    await waitFor(() => seen.includes('started'), { timeoutMs: 20_000, what: 'the job to start' });
    const t0 = Date.now();
    cancel();
    const { result, output } = await running;
    expect(result, output).toEqual({ exitCode: null, reason: 'cancelled' });
    expect(output).toBe('started\n\nStopped: the job was cancelled\n');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("propagates the script's exit code and stops at the first failure", async () => {
    const { result, output } = await runJob('echo one; false; echo two');
    expect(result).toEqual({ exitCode: 1, reason: 'exit_code' });
    expect(output).toBe('one\n');
    const three = await runJob('exit 3');
    expect(three.result).toEqual({ exitCode: 3, reason: 'exit_code' });
  });

  it('keeps the order of stdout and stderr lines', async () => {
    const { output } = await runJob('echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo out3');
    expect(output).toBe('out1\nerr1\nout2\nerr2\nout3\n');
  });

  it('delivers a large output whole, UTF-8 intact across chunks', async () => {
    const { result, output } = await runJob(`seq 1 20000 | sed 's/^/línea ✓ /'`);
    expect(result).toEqual({ exitCode: 0, reason: 'exit_code' });
    const lines = output.split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[0]).toBe('línea ✓ 1');
    expect(lines[19_999]).toBe('línea ✓ 20000');
    expect(output).not.toContain('\uFFFD');
  });

  it('fails clearly when the image is missing and the runner does not pull', async () => {
    const { result, output } = await runJob('true', { job: { image: 'localhost/switchyard-no-such-image:1' } });
    const message =
      "image localhost/switchyard-no-such-image:1 is not on this runner's container engine, and this runner does not pull images (start it with --pull if-missing)";
    expect(result).toEqual({ exitCode: null, reason: 'runner_error', message });
    expect(output).toBe(`${message}\n`);
  });

  it('fails clearly when the pull of a missing image fails', async () => {
    const { result, output } = await runJob('true', {
      job: { image: 'localhost/switchyard-no-such-image:1' },
      engine: { pull: 'if-missing' },
    });
    expect(result.reason).toBe('runner_error');
    expect(result.message).toMatch(/^pulling image localhost\/switchyard-no-such-image:1 failed: \S/);
    expect(output).toMatch(/^Pulling image localhost\/switchyard-no-such-image:1\n/);
  });

  it('fails clearly when the engine is unreachable', async () => {
    const socketPath = path.join(root, 'no-engine.sock');
    const { result } = await runJob('true', { engine: { socketPath } });
    expect(result.reason).toBe('runner_error');
    expect(result.message).toContain(`cannot reach the container engine at unix://${socketPath}: `);
    expect(result.message).toContain('ENOENT');
  });

  it('starts a container quickly', async () => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { result, ms } = await runJob('true');
      expect(result).toEqual({ exitCode: 0, reason: 'exit_code' });
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    console.log(`container executor, a \`true\` job: median ${times[2]} ms (min ${times[0]}, max ${times[4]})`);
    expect(times[2]).toBeLessThan(5_000);
  });
});
