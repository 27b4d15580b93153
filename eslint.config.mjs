// ESLint (flat config): Next.js's core-web-vitals and TypeScript rules, plus
// the boundaries of the layout (STYLE.md).
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.data/**',
      'server/db/generated/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The runner runs untrusted jobs: it talks to the server only through the API.
    files: ['runner/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../server/*', '!../server/contracts', '../server/!(contracts)/**'],
              message: 'runner/ imports only from server/contracts and its own folder.',
            },
          ],
        },
      ],
    },
  },
];

export default config;
