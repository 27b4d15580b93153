'use client';
// One test: its figures, its quarantine (who, when, why) and its latest
// results, each with its commit, run, job and attempt.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatAge } from '@/components/runs/format';
import { useTRPC } from '@/components/trpc/client';
import { formatRate, formatTestDuration, formatTimeLost, testTitle } from './format';
import { QuarantineButton } from './quarantine-button';
import styles from './tests.module.css';
import { When } from '@/components/layout/when';

const STATUS_CLASS = { passed: 'success', failed: 'failed', error: 'failed', skipped: 'skipped' } as const;

export function TestHistoryView({ id, canAct }: { id: string; canAct: boolean }) {
  const trpc = useTRPC();
  const history = useQuery({ ...trpc.tests.history.queryOptions({ id }), refetchInterval: 30_000 });
  if (history.isPending) return <p className="muted">Loading the test…</p>;
  if (history.isError)
    return (
      <p role="alert" className="error">
        Could not load this test: {history.error.message}
      </p>
    );
  const { test, results } = history.data;
  const now = new Date();
  const title = testTitle(test);
  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/tests">Flaky tests</Link> / {test.pipeline.repo.name} / {test.jobName}
          </p>
          <h1 className={styles.testName}>
            {title} {test.quarantinedAt && <span className={styles.quarantined}>quarantined</span>}
          </h1>
        </div>
        {canAct && (
          <div className="actions">
            <QuarantineButton test={{ ...test, name: title }} />
          </div>
        )}
      </div>
      <dl className="meta">
        <div>
          <dt>Flake rate</dt>
          <dd className={styles.rate}>{formatRate(test.flakeRate)}</dd>
        </div>
        <div>
          <dt>Flaky commits / runs</dt>
          <dd>
            {test.flakyCount} / {test.runs}
          </dd>
        </div>
        <div>
          <dt>Failures</dt>
          <dd>{test.failures}</dd>
        </div>
        <div>
          <dt>Time lost</dt>
          <dd>{formatTimeLost(test.timeLostMs)}</dd>
        </div>
        <div>
          <dt>Last flaky</dt>
          <dd>{test.lastFlakyAt ? formatAge(test.lastFlakyAt, now) : 'never'}</dd>
        </div>
        {test.quarantinedAt && (
          <div>
            <dt>Quarantined</dt>
            <dd>
              {formatAge(test.quarantinedAt, now)} by {test.quarantinedBy ?? 'someone'}
              {test.quarantineReason && <>: {test.quarantineReason}</>}
            </dd>
          </div>
        )}
        {!test.quarantinedAt && test.releasedAt && (
          <div>
            <dt>Released</dt>
            <dd>
              {formatAge(test.releasedAt, now)} by {test.releasedBy ?? 'someone'}
            </dd>
          </div>
        )}
      </dl>
      <h2 className="section-title">History</h2>
      {results.length === 0 ? (
        <p className="muted">No results yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Latest {results.length} results, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Result</th>
                <th scope="col">Commit</th>
                <th scope="col">Run · job · attempt</th>
                <th scope="col">Duration</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r) => (
                <tr key={r.id} data-testid="test-result">
                  <td>
                    <span className={`status status-${STATUS_CLASS[r.status]}`}>{r.status}</span>
                    {r.quarantined && r.status !== 'passed' && r.status !== 'skipped' && (
                      <div className="muted small">ignored: quarantined</div>
                    )}
                    {r.message && <pre className={styles.message}>{r.message}</pre>}
                  </td>
                  <td>
                    <code title={r.commitSha}>{r.commitSha.slice(0, 10)}</code>
                    {r.job.run.branch && <div className="muted small">{r.job.run.branch}</div>}
                  </td>
                  <td>
                    <Link href={`/runs/${r.job.run.id}`}>#{r.job.run.number}</Link> ·{' '}
                    <Link href={`/jobs/${r.job.id}`}>{r.job.name}</Link> · {r.attempt.number}
                  </td>
                  <td className={styles.numbers}>{formatTestDuration(r.durationMs)}</td>
                  <td>
                    <When at={r.createdAt} now={now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
