// A real container engine for integration tests: Podman serving the Docker
// Engine API on a private socket, and a test image built locally (no registry
// is reachable here). Podman missing is an error, never a silent skip: CI runs
// `.ci/podman-setup` first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** busybox-static with its applets, an os-release of its own, /tmp and /workspace. */
export const TEST_IMAGE = 'localhost/switchyard-test-busybox:latest';
/** The NAME in the test image's /etc/os-release (the host's is Debian's). */
export const TEST_IMAGE_OS_NAME = 'Switchyard Test Busybox';

const BUSYBOX = '/bin/busybox';
const SETUP_HINT = 'run .ci/podman-setup (it installs podman, runc and busybox-static)';

/**
 * Debian's podman 4.3 runs containers as root here only with runc, cgroupfs
 * and explicit ulimits (see STACK.md, "Containers and sandboxes").
 */
const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
`;

export interface ContainerEngine {
  /** The Docker-compatible API socket. */
  socketPath: string;
  /** The same socket as a DOCKER_HOST value. */
  dockerHost: string;
  /** Stops the service (only the last caller's stop really stops it). */
  stop(): Promise<void>;
}

interface Running {
  dir: string;
  socketPath: string;
  child: ChildProcess;
  users: number;
}

let starting: Promise<Running> | undefined;

function requireTools(): void {
  const missing: string[] = [];
  for (const tool of ['podman', 'runc']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) missing.push(tool);
  }
  if (!fs.existsSync(BUSYBOX)) missing.push('busybox-static');
  else if (fs.readFileSync(BUSYBOX).subarray(0, 8192).includes('ld-linux')) {
    missing.push('busybox-static (the busybox installed is dynamically linked)');
  }
  if (missing.length > 0) {
    throw new Error(`The container tests need ${missing.join(', ')}, missing on this machine: ${SETUP_HINT}.`);
  }
}

function podmanEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF: path.join(dir, 'containers.conf') };
}

function podman(dir: string, args: string[], input?: Buffer): string {
  const result = spawnSync('podman', args, { env: podmanEnv(dir), input, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`podman ${args.join(' ')} failed: ${result.stderr?.toString().trim() || result.error?.message}`);
  }
  return result.stdout.toString();
}

/** A rootfs of busybox-static and its applet links, imported as TEST_IMAGE (kept once built). */
function buildTestImage(dir: string): void {
  if (spawnSync('podman', ['image', 'exists', TEST_IMAGE], { env: podmanEnv(dir) }).status === 0) return;
  const rootfs = path.join(dir, 'rootfs');
  for (const sub of ['bin', 'etc', 'root', 'workspace']) fs.mkdirSync(path.join(rootfs, sub), { recursive: true });
  fs.mkdirSync(path.join(rootfs, 'tmp'), { mode: 0o1777 });
  fs.chmodSync(path.join(rootfs, 'tmp'), 0o1777);
  fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  const applets = spawnSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    const link = path.join(rootfs, applet);
    if (!applet.includes('/') || fs.existsSync(link)) continue; // linuxrc, bin/busybox
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync('/bin/busybox', link);
  }
  fs.writeFileSync(
    path.join(rootfs, 'etc/os-release'),
    `NAME="${TEST_IMAGE_OS_NAME}"\nID=switchyard-test-busybox\nPRETTY_NAME="${TEST_IMAGE_OS_NAME}"\n`,
  );
  fs.writeFileSync(
    path.join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
  );
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
  if (tar.status !== 0) throw new Error(`tar of the test rootfs failed: ${tar.stderr.toString()}`);
  podman(
    dir,
    ['import', '--change', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["/bin/sh"]', '-', TEST_IMAGE],
    tar.stdout,
  );
  fs.rmSync(rootfs, { recursive: true, force: true });
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

async function start(): Promise<Running> {
  requireTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-podman-'));
  fs.writeFileSync(path.join(dir, 'containers.conf'), CONTAINERS_CONF);
  const socketPath = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    env: podmanEnv(dir),
    // conmon writes an empty `oom` file into its working directory (inherited
    // from here) when a container hits its memory limit: not into the repository.
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // A worker that dies without its afterAll must not leave the service behind.
  process.once('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!(await ping(socketPath))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`podman system service did not answer on ${socketPath}: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const running = { dir, socketPath, child, users: 0 };
  try {
    buildTestImage(dir);
  } catch (err) {
    await stopService(running);
    throw err;
  }
  return running;
}

async function stopService(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(running.dir, { recursive: true, force: true });
}

/**
 * Starts Podman's API service once per test process (later calls share it)
 * and makes sure TEST_IMAGE exists. Throws when Podman is not installed.
 */
export async function startContainerEngine(): Promise<ContainerEngine> {
  starting ??= start();
  let running: Running;
  try {
    running = await starting;
  } catch (err) {
    starting = undefined;
    throw err;
  }
  running.users += 1;
  let stopped = false;
  return {
    socketPath: running.socketPath,
    dockerHost: `unix://${running.socketPath}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.users -= 1;
      if (running.users > 0) return;
      starting = undefined;
      await stopService(running);
    },
  };
}
