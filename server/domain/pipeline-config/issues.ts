// Config problems are data (STYLE.md): a list of issues with the 1-based line and
// column of the offending key or value, stored on the run and shown in the UI.

export type Severity = 'error' | 'warning';

export type ConfigIssue = {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: Severity;
};

export type Pos = { line: number; column: number };

export const START: Pos = { line: 1, column: 1 };

/** Collects issues while the config is read. */
export class Issues {
  readonly list: ConfigIssue[] = [];

  error(at: Pos, message: string): void {
    this.list.push({ message, line: at.line, column: at.column, severity: 'error' });
  }

  warning(at: Pos, message: string): void {
    this.list.push({ message, line: at.line, column: at.column, severity: 'warning' });
  }

  get hasErrors(): boolean {
    return this.list.some((i) => i.severity === 'error');
  }

  /** By position; issues at the same position keep the order they were found in. */
  sorted(): ConfigIssue[] {
    return [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
  }
}

/** A dotted path for messages: `jobs.unit.retry.max`, `jobs.unit.needs[1]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
