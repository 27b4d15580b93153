'use client';
// The job page's tests: what its JUnit reports said for the attempt shown,
// reports that could not be read, and the failed tests (quarantined ones
// marked: their failure alone did not fail the job).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { formatRate, formatTestDuration, testTitle } from '@/components/tests/format';
import styles from '@/components/tests/tests.module.css';
import { useTRPC } from '@/components/trpc/client';

export function TestsSection({ jobId, attempt }: { jobId: string; attempt: number | null }) {
  const trpc = useTRPC();
  const tests = useQuery(trpc.tests.forJob.queryOptions({ jobId }));
  const shown = tests.data?.find((t) => t.attempt === attempt) ?? tests.data?.[0];
  if (!shown) return null;
  return (
    <section aria-label="Tests" data-testid="job-tests">
      <h2 className="section-title">Tests{tests.data && tests.data.length > 1 ? ` · attempt ${shown.attempt}` : ''}</h2>
      <p className={styles.summary}>
        <span className="status status-success">{shown.passed} passed</span>
        <span className={`status status-${shown.failed > 0 ? 'failed' : 'skipped'}`}>{shown.failed} failed</span>
        <span className="status status-skipped">{shown.skipped} skipped</span>
        <span className="muted small">
          from {shown.reports.length} report{shown.reports.length === 1 ? '' : 's'}
        </span>
      </p>
      {shown.reports
        .filter((r) => r.error)
        .map((r) => (
          <p key={r.path} role="alert" className={styles.reportError}>
            {r.path} could not be read: {r.error}
          </p>
        ))}
      {shown.failures.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <caption>Failed tests</caption>
            <thead>
              <tr>
                <th scope="col">Test</th>
                <th scope="col">Duration</th>
                <th scope="col">Flake rate</th>
              </tr>
            </thead>
            <tbody>
              {shown.failures.map((f) => (
                <tr key={f.testCaseId} data-testid="failed-test">
                  <td className={styles.testName}>
                    <Link href={`/tests/${f.testCaseId}`}>{testTitle(f)}</Link>{' '}
                    {f.status === 'error' && <span className="muted small">(error)</span>}{' '}
                    {f.quarantined && (
                      <span className={styles.quarantined} title="Quarantined: its failure was ignored">
                        quarantined · ignored
                      </span>
                    )}
                    {f.message && <pre className={styles.message}>{f.message}</pre>}
                  </td>
                  <td className={styles.numbers}>{formatTestDuration(f.durationMs)}</td>
                  <td className={styles.numbers}>{formatRate(f.flakeRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
