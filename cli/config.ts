// Where the CLI finds its server and token: SWITCHYARD_URL and SWITCHYARD_TOKEN
// first, then the file `switchyard login` writes (mode 600) in the user's
// config folder. This is the only place in cli/ that reads process.env.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const CliConfig = z.object({ url: z.string().url().optional(), token: z.string().optional() });
export type CliConfig = z.infer<typeof CliConfig>;

export function configFile(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'switchyard', 'config.json');
}

export function readConfigFile(file: string): CliConfig {
  try {
    return CliConfig.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return {};
  }
}

export function writeConfigFile(file: string, config: CliConfig): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** The server URL and token to use, environment over the saved login. */
export function resolveConfig(env: Record<string, string | undefined> = process.env): CliConfig & { file: string } {
  const file = configFile(env);
  const saved = readConfigFile(file);
  return { file, url: env.SWITCHYARD_URL || saved.url, token: env.SWITCHYARD_TOKEN || saved.token };
}
