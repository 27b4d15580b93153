// A real Prometheus for integration tests: its own config, storage in a
// temporary folder and a free port on 127.0.0.1, scraping one target. Tests
// skip (describe.skipIf) when prometheusBinary() finds none; CI installs it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PrometheusOptions {
  /** host:port of the one target. */
  target: string;
  metricsPath: string;
  /** Also the scrape timeout. */
  scrapeIntervalSeconds?: number;
  /** Job name, the `job` label of what it scrapes. */
  job?: string;
}

export interface TestPrometheus {
  /** Base URL of its HTTP API and UI. */
  url: string;
  /** Waits for a successful scrape of the target that started after this call. */
  waitForScrape(timeoutMs?: number): Promise<void>;
  /** Stops it and removes its config and storage. */
  stop(): Promise<void>;
}

const STANDARD_PATH = '/usr/bin/prometheus';
const READY_TIMEOUT_MS = 20_000;

/** The Prometheus server binary, or undefined when none is installed. */
export function prometheusBinary(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [STANDARD_PATH, ...dirs.map((dir) => path.join(dir, 'prometheus'))];
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Starts Prometheus and waits until it is ready (a port taken meanwhile: tries another). */
export async function startPrometheus(opts: PrometheusOptions): Promise<TestPrometheus> {
  const binary = prometheusBinary();
  if (!binary) throw new Error('Prometheus is not installed (apt-get install prometheus)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-prometheus-'));
  const interval = `${Math.round((opts.scrapeIntervalSeconds ?? 1) * 1000)}ms`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: opts.job ?? 'switchyard',
        metrics_path: opts.metricsPath,
        static_configs: [{ targets: [opts.target] }],
      },
    ],
  };
  // JSON is YAML.
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await run(binary, dir, port);
      if ('child' in started) return running(started.child, `http://127.0.0.1:${port}`, dir);
      if (attempt === 3 || !started.failure.includes('address already in use')) throw new Error(started.failure);
    }
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns it and waits for /-/ready, or for it to exit with what it said. */
async function run(binary: string, dir: string, port: number): Promise<{ child: ChildProcess } | { failure: string }> {
  const child = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { failure: `Prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready: ${stderr}` };
    }
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child };
    if (Date.now() > deadline) {
      await kill(child);
      return { failure: `Prometheus was not ready after ${READY_TIMEOUT_MS} ms: ${stderr}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

interface TargetsReply {
  data: { activeTargets: { health: string; lastScrape: string; lastError: string }[] };
}

function running(child: ChildProcess, url: string, dir: string): TestPrometheus {
  return {
    url,
    async waitForScrape(timeoutMs = 10_000) {
      const since = Date.now();
      const deadline = since + timeoutMs;
      let last: unknown = 'no answer';
      while (Date.now() < deadline) {
        const reply = (await fetch(`${url}/api/v1/targets?state=active`).then((r) => r.json())) as TargetsReply;
        const target = reply.data.activeTargets[0];
        last = target;
        if (target?.health === 'up' && Date.parse(target.lastScrape) > since) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`Timed out after ${timeoutMs} ms waiting for a scrape; last saw ${JSON.stringify(last)}`);
    },
    async stop() {
      await kill(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
