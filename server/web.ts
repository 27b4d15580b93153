// The web process's long-lived services, created on first use.
import { webPrisma, type Db } from './db/client';
import { createSecretBox, type SecretBox } from './domain/auth/secret-box';
import { serverEnv } from './env';
import { createLogger, type Logger } from './log';

export interface WebServices {
  db: Db;
  box: SecretBox;
  log: Logger;
}

let services: WebServices | undefined;

export function webServices(): WebServices {
  if (!services) {
    const env = serverEnv();
    if (!env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set (npm start generates one under DATA_DIR).');
    services = {
      db: webPrisma(env.DATABASE_URL),
      box: createSecretBox(env.AUTH_SECRET),
      log: createLogger({ proc: 'web', level: env.LOG_LEVEL }),
    };
  }
  return services;
}
