// One row of the virtualised log: its number (a link to it), the optional
// time, and the text. Memoised: rows re-render only when their own props change.
// Line numbers are links but not tab stops: one per row would bury the controls
// after the log; the keyboard scrolls the log and searches it instead.
import { memo, type MouseEvent } from 'react';
import { AnsiText } from './ansi';
import { formatClock } from './format-clock';
import type { LogLine } from './log-lines';
import styles from './log-viewer.module.css';

interface Props {
  line: LogLine;
  /** Offset from the top of the log, in pixels. */
  top: number;
  showTime: boolean;
  query: string;
  selected: boolean;
  /** The line of the current search match. */
  current: boolean;
  onNumberClick: (e: MouseEvent<HTMLAnchorElement>, n: number) => void;
}

export const LogRow = memo(function LogRow({ line, top, showTime, query, selected, current, onNumberClick }: Props) {
  const className = [styles.row, selected && styles.selected, current && styles.current].filter(Boolean).join(' ');
  return (
    <div
      data-testid="log-line"
      data-line={line.n}
      className={className}
      style={{ transform: `translateY(${top}px)` }}
      aria-current={current ? 'true' : undefined}
    >
      <a
        href={`#L${line.n}`}
        className={styles.num}
        aria-label={`Line ${line.n}`}
        tabIndex={-1}
        onClick={(e) => onNumberClick(e, line.n)}
      >
        {line.n}
      </a>
      {showTime && (
        <span className={styles.time}>
          {line.at ? (
            <time dateTime={line.at} title={line.at}>
              {formatClock(line.at)}
            </time>
          ) : (
            ' '.repeat(12)
          )}
        </span>
      )}
      <span className={styles.text}>
        <AnsiText text={line.text} query={query} />
      </span>
    </div>
  );
});
