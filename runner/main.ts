// `npm run runner -- --url URL --token TOKEN [--pool P] [--concurrency N]`
import { parseArgs } from 'node:util';
import { resolveRunnerOptions, parentPid } from './options';
import { startRunner } from './run-runner';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    'registration-token': { type: 'string' },
    name: { type: 'string' },
    pool: { type: 'string' },
    concurrency: { type: 'string' },
    'state-dir': { type: 'string' },
    executor: { type: 'string' },
    'docker-host': { type: 'string' },
    pull: { type: 'string' },
    memory: { type: 'string' },
    'pids-limit': { type: 'string' },
    'default-image': { type: 'string' },
  },
});

try {
  const opts = resolveRunnerOptions({
    url: values.url,
    token: values.token,
    registrationToken: values['registration-token'],
    name: values.name,
    pool: values.pool,
    concurrency: values.concurrency,
    stateDir: values['state-dir'],
    executor: values.executor,
    dockerHost: values['docker-host'],
    pull: values.pull,
    memory: values.memory,
    pidsLimit: values['pids-limit'],
    defaultImage: values['default-image'],
  });
  const runner = await startRunner(opts);
  const stop = () => void runner.stop();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // SIGUSR2: drain (an autoscaler's scale-down): finish the jobs under way, take no new one, exit.
  process.on('SIGUSR2', () => void runner.drain());
  const parent = parentPid();
  if (parent) {
    setInterval(() => {
      try {
        process.kill(parent, 0);
      } catch {
        stop();
      }
    }, 2_000).unref();
  }
  await runner.done;
  process.exit(0);
} catch (err) {
  console.error(`switchyard runner: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
