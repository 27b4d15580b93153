// App instances outliving a killed scheduler. Each instance leads its own
// process group, so a scheduler that dies by SIGKILL leaves them running,
// holding ports and serving an environment nobody routes to. Every instance
// is recorded as a file named by its pid while it runs; the next orchestrator
// on this data folder kills the groups still alive, after checking the process
// is still an instance of ours (pids are reused), then forgets them.
import fs from 'node:fs';
import path from 'node:path';
import { killProcessGroup } from '../../../runner/executors/process-group';

export function recordPid(dir: string, pid: number, what: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, String(pid)), what);
}

export function forgetPid(dir: string, pid: number): void {
  fs.rmSync(path.join(dir, String(pid)), { force: true });
}

/** Whether `pid` runs with SWITCHYARD_VERSION in its environment: an instance the orchestrator started. */
function isInstance(pid: number): boolean {
  try {
    return fs
      .readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .some((v) => v.startsWith('SWITCHYARD_VERSION='));
  } catch {
    return false;
  }
}

/** Kills the process groups of instances a previous orchestrator left running; returns how many. */
export function reapOrphans(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const name of names) {
    const pid = Number(name);
    if (Number.isInteger(pid) && pid > 1 && isInstance(pid)) {
      killProcessGroup(pid, Promise.resolve(), 0);
      reaped++;
    }
    fs.rmSync(path.join(dir, name), { force: true });
  }
  return reaped;
}
