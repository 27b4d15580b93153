'use client';
// Search state for the log: the query, the lines that match it (recomputed as
// lines arrive, off the typing path via useDeferredValue), and which match is current.
import { useDeferredValue, useMemo, useState } from 'react';
import { IncrementalSearch, type LogLine } from './log-lines';

export interface LogSearch {
  query: string;
  setQuery: (query: string) => void;
  /** The query the matches are for (lags `query` while a search over many lines runs). */
  searched: string;
  /** Numbers of matching lines, ascending. */
  matches: number[];
  /** Index of the current match in `matches`, -1 when there is none. */
  index: number;
  /** The line of the current match. */
  currentLine: number | null;
  /** Moves to the next (1) or previous (-1) match, wrapping; returns its line. */
  step: (delta: 1 | -1) => number | null;
}

export function useLogSearch(lines: LogLine[]): LogSearch {
  const [query, setQuery] = useState('');
  const searched = useDeferredValue(query);
  const [searcher] = useState(() => new IncrementalSearch());
  const matches = useMemo(() => searcher.search(lines, searched), [searcher, lines, searched]);
  // The cursor belongs to a query: a new query starts again at its first match.
  const [cursor, setCursor] = useState({ query: '', index: 0 });
  const index = matches.length === 0 ? -1 : cursor.query === searched ? Math.min(cursor.index, matches.length - 1) : 0;

  const step = (delta: 1 | -1) => {
    if (matches.length === 0) return null;
    const next = (index + delta + matches.length) % matches.length;
    setCursor({ query: searched, index: next });
    return matches[next] ?? null;
  };

  return { query, setQuery, searched, matches, index, currentLine: matches[index] ?? null, step };
}
