// The config that ran, with line numbers, and its errors and warnings pointing at them.
export interface ConfigIssueView {
  message: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

export function ConfigIssues({ issues }: { issues: ConfigIssueView[] }) {
  if (issues.length === 0) return null;
  const errors = issues.filter((i) => i.severity === 'error').length;
  return (
    <section className="card config-issues" aria-labelledby="config-issues-heading">
      <h2 id="config-issues-heading">
        {errors > 0 ? `The config has ${errors} error${errors === 1 ? '' : 's'}` : 'Config warnings'}
      </h2>
      <ul>
        {issues.map((i, n) => (
          <li key={n} className={`issue issue-${i.severity}`}>
            <a href={`#config-L${i.line}`}>
              line {i.line}, column {i.column}
            </a>
            : <strong>{i.severity}</strong> {i.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ConfigText({ text, path, issues }: { text: string; path: string; issues: ConfigIssueView[] }) {
  const flagged = new Map(issues.map((i) => [i.line, i.severity]));
  return (
    <figure className="config-text">
      <figcaption>
        <code>{path}</code> at this commit
      </figcaption>
      <pre>
        {text.split('\n').map((line, i) => (
          <span key={i} id={`config-L${i + 1}`} className={`config-line ${flagged.get(i + 1) ?? ''}`}>
            <span className="ln" aria-hidden="true">
              {i + 1}
            </span>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
