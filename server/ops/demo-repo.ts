// The demo repository `npm start` creates: a real git repository under
// DATA_DIR with a small HTTP service and a pipeline that builds, tests and
// deploys it, so a newcomer has something to run at once.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_PIPELINE = `# The demo pipeline: edit it, commit, and watch the run.
stages: [build, test, deploy]
variables: { NODE_ENV: test }
jobs:
  compile:
    stage: build
    script:
      - mkdir -p dist
      - sleep 1
      - cp app/server.js dist/
      - echo "built \${CI_COMMIT_SHA}"
    artifacts: { name: web, paths: [dist/], expire_in: 7d }
    timeout: 10m
  unit:
    stage: test
    needs: [compile]
    script: node app/test.js
    retry: { max: 2, when: [exit_code] }
  lint:
    stage: test
    script: node --check app/server.js
    allow_failure: true
  deploy-staging:
    stage: deploy
    needs: [unit]
    deploy:
      environment: staging
      artifact: web
      strategy: rolling
      start: node dist/server.js
      health: { max_error_rate: 0.02, window: 5s }
  deploy-production:
    stage: deploy
    needs: [deploy-staging]
    deploy:
      environment: production
      artifact: web
      strategy: canary
      steps: [25, 100]
      approval: required
      start: node dist/server.js
      health: { max_error_rate: 0.02, max_p99_ms: 500, window: 5s }
`;

const SERVER_JS = `// A tiny HTTP service: the demo's deployable artifact.
const http = require('node:http');
const port = Number(process.env.PORT || 8080);
const version = process.env.SWITCHYARD_VERSION || 'dev';
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, version, path: req.url }));
  })
  .listen(port, () => console.log('listening on', port));
process.on('SIGTERM', () => process.exit(0));
`;

const TEST_JS = `// The demo's unit tests: plain node, no dependencies. They take a few
// seconds on purpose, so a newcomer can watch the log arrive live.
const assert = require('node:assert');
const fs = require('node:fs');
const source = fs.readFileSync(__dirname + '/../dist/server.js', 'utf8');
const checks = [
  ['the artifact is the server', () => assert.ok(source.includes('createServer'))],
  ['it answers JSON', () => assert.ok(source.includes('application/json'))],
  ['it reports its version', () => assert.ok(source.includes('version'))],
  ['it listens on PORT', () => assert.ok(source.includes('process.env.PORT'))],
  ['it has no dependencies', () => assert.ok(!source.includes("require('express')"))],
  ['it logs where it listens', () => assert.ok(source.includes('listening on'))],
];
let passed = 0;
(async () => {
  for (const [i, [name, check]] of checks.entries()) {
    await new Promise((r) => setTimeout(r, 700));
    check();
    passed++;
    console.log('\\x1b[32mok\\x1b[0m ' + (i + 1) + ' - ' + name);
  }
  console.log(passed + ' passed, 0 failed');
})();
`;

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Switchyard Demo',
      GIT_AUTHOR_EMAIL: 'demo@switchyard.local',
      GIT_COMMITTER_NAME: 'Switchyard Demo',
      GIT_COMMITTER_EMAIL: 'demo@switchyard.local',
    },
  }).trim();
}

/** Creates the demo repository at `dir` unless it exists; returns its path. */
export function ensureDemoRepo(dir: string): { path: string; created: boolean } {
  if (fs.existsSync(path.join(dir, '.git'))) return { path: dir, created: false };
  fs.mkdirSync(path.join(dir, '.ci'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.ci', 'pipeline.yml'), DEMO_PIPELINE);
  fs.writeFileSync(path.join(dir, 'app', 'server.js'), SERVER_JS);
  fs.writeFileSync(path.join(dir, 'app', 'test.js'), TEST_JS);
  fs.writeFileSync(path.join(dir, 'README.md'), '# Switchyard demo\n\nCommit here and watch the pipeline run.\n');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'Demo service and pipeline']);
  return { path: dir, created: true };
}
