// The shell executor's sandbox: bubblewrap (bwrap), when the host has it.
// The job sees a read-only system (/usr and a few files of /etc), a private
// /tmp and /proc, and only its workspace writable; the runner's files, token
// and environment are out of reach; no capabilities; network stays shared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** Inside the sandbox the workspace is always here. */
export const SANDBOX_WORKSPACE = '/workspace';
const SANDBOX_SCRIPT = '/run/switchyard/script.sh';

/** Files of /etc a job needs (name resolution, TLS roots, users); never /etc as a whole. */
const ETC = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/passwd',
  '/etc/group',
  '/etc/alternatives',
  '/etc/localtime',
];

let cached: boolean | undefined;

export function bwrapAvailable(): boolean {
  cached ??= spawnSync('bwrap', ['--version'], { stdio: 'ignore' }).status === 0;
  return cached;
}

/** `/bin`, `/lib`… are symlinks into /usr on merged-/usr systems, real folders elsewhere. */
function rootEntries(): string[] {
  const args: string[] = [];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The bwrap command line that runs `script` in `workspace` with exactly `env`. */
export function sandboxCommand(
  workspace: string,
  script: string,
  env: Record<string, string>,
): { command: string; args: string[] } {
  const args = ['--ro-bind', '/usr', '/usr', ...rootEntries()];
  for (const path of ETC) if (fs.existsSync(path)) args.push('--ro-bind', path, path);
  args.push(
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--bind',
    workspace,
    SANDBOX_WORKSPACE,
    '--ro-bind',
    script,
    SANDBOX_SCRIPT,
    '--chdir',
    SANDBOX_WORKSPACE,
    '--unshare-all',
    '--share-net',
    '--die-with-parent',
    '--cap-drop',
    'ALL',
    '--clearenv',
  );
  for (const [key, value] of Object.entries(env)) args.push('--setenv', key, value);
  args.push('bash', '--noprofile', '--norc', SANDBOX_SCRIPT);
  return { command: 'bwrap', args };
}
