// The runner's own state on disk: its token, kept readable by its user only.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const RunnerState = z.object({
  runnerId: z.string(),
  name: z.string(),
  pool: z.string(),
  token: z.string(),
  /** The server it registered with: a token is only good there. */
  url: z.string(),
});
export type RunnerState = z.infer<typeof RunnerState>;

export function readState(file: string): RunnerState | undefined {
  try {
    return RunnerState.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

export function writeState(file: string, state: RunnerState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
