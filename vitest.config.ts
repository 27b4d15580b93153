// Two suites: `unit` (pure logic, no I/O, beside the code as *.test.ts) and
// `integration` (*.int.test.ts, against a real PostgreSQL). tests/global-setup.ts
// migrates one template database per run; every integration file clones its own
// database from it (tests/db.ts), so files run in parallel without sharing state.
import { defaultExclude, defineConfig } from 'vitest/config';

const exclude = [...defaultExclude, '**/.next/**', '**/.data/**', 'e2e/**'];

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    // Global teardown stops the embedded cluster and drops databases.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude,
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
