// Stopping a job's whole process tree without leaving zombies. The job runs in
// its own process group. Killing the whole group at once kills a parent and its
// children together: the children, orphaned, are handed to PID 1, and where
// PID 1 does not reap (many containers) they stay as zombies. So the members
// go first, letting their parents (bwrap, bash) reap them and exit, and the
// group's leader last.
import fs from 'node:fs';

/** Pids in process group `pgid` (Linux /proc); null where /proc cannot tell. */
export function groupMembers(pgid: number): number[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const members: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) members.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

function kill(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Kills every process of the group led by `leader`: the others at once, the
 * leader after `graceMs` unless `exited` settles first (then whatever is left).
 */
export function killProcessGroup(leader: number, exited: Promise<unknown>, graceMs = 1_000): void {
  const members = groupMembers(leader);
  if (members === null) {
    kill(-leader);
    return;
  }
  for (const pid of members) if (pid !== leader) kill(pid);
  const timer = setTimeout(() => kill(-leader), graceMs);
  void exited.then(() => {
    clearTimeout(timer);
    kill(-leader);
  });
}
