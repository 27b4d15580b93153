'use client';
// The job page's log: a virtualised list of lines (only the rows on screen are in
// the DOM, so 100,000 lines scroll like 100) with search, links to lines,
// following the tail of a live log, and optional timestamps.
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { formatLineHash, parseLineHash, selectLine } from './line-ref';
import type { LogLine } from './log-lines';
import { LogRow } from './log-row';
import { LogToolbar } from './log-toolbar';
import styles from './log-viewer.module.css';
import { replaceLocationHash, useLocationHash } from './use-location-hash';
import { useLogScroll } from './use-log-scroll';
import { useLogSearch } from './use-log-search';

/** Every row is this tall (px); the CSS reads it as --row-height. */
const ROW_HEIGHT = 20;

export interface LogViewerProps {
  lines: LogLine[];
  /** The job is still running: more lines may come, and the view follows them. */
  live: boolean;
  /** A link to the raw log, or null while unknown. */
  downloadUrl?: string | null;
  /** A line to show first when the URL's hash names none. */
  initialLine?: number;
  /** Lines are still being fetched (an empty log is not yet "printed nothing"). */
  loading?: boolean;
  /** Shown above the log, e.g. a lost connection. */
  error?: string | null;
}

export function LogViewer({ lines, live, downloadUrl, initialLine, loading = false, error }: LogViewerProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [showTime, setShowTime] = useState(false);
  const search = useLogSearch(lines);

  const hash = useLocationHash();
  const selection = useMemo(
    () => parseLineHash(hash) ?? (initialLine ? { from: initialLine, to: initialLine } : null),
    [hash, initialLine],
  );

  // The virtualiser reads its methods' state afresh on every render; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    // Until the scroll box is measured (and on the server), assume a screenful so the first rows render.
    initialRect: { width: 0, height: 600 },
  });
  const scroll = useLogScroll({
    scrollRef,
    virtualizer,
    rowHeight: ROW_HEIGHT,
    count: lines.length,
    startFollowing: live,
    targetLine: selection?.from ?? null,
    targetKey: hash || `initial:${initialLine}`,
  });
  const { scrollToLine, holdAt } = scroll;

  // A new query brings its first match into view, once.
  const shownQuery = useRef('');
  const firstMatch = search.matches[0];
  useEffect(() => {
    if (search.searched === '') shownQuery.current = '';
    if (search.searched === shownQuery.current || firstMatch === undefined) return;
    shownQuery.current = search.searched;
    scrollToLine(firstMatch);
  }, [search.searched, firstMatch, scrollToLine]);

  const step = (delta: 1 | -1) => {
    const n = search.step(delta);
    if (n !== null) scrollToLine(n);
  };

  const onNumberClick = useCallback(
    (e: MouseEvent<HTMLAnchorElement>, n: number) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.altKey) return; // let "open in new tab" work
      e.preventDefault();
      const next = formatLineHash(selectLine(selection, n, e.shiftKey));
      holdAt(next); // the clicked line is on screen: no jump, and no following it away
      replaceLocationHash(next);
    },
    [selection, holdAt],
  );

  // The browser's find cannot see rows that are not rendered, so Ctrl/Cmd+F inside the log opens ours.
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  };

  const total = virtualizer.getTotalSize();
  const viewport = virtualizer.scrollRect?.height ?? Infinity;
  const digits = String(Math.max(lines.length, 1)).length;

  return (
    <div
      className={styles.viewer}
      style={{ '--row-height': `${ROW_HEIGHT}px`, '--digits': digits } as CSSProperties}
      onKeyDown={onKeyDown}
    >
      <LogToolbar
        query={search.query}
        onQuery={search.setQuery}
        index={search.index}
        total={search.matches.length}
        onStep={step}
        showTime={showTime}
        onShowTime={setShowTime}
        downloadUrl={downloadUrl}
        searchRef={searchRef}
      />
      {error && (
        <p role="alert" className={styles.alert}>
          {error}
        </p>
      )}
      <div className={styles.frame}>
        <div
          ref={scrollRef}
          role="region"
          aria-label="Job log"
          tabIndex={0}
          className={styles.scroller}
          onScroll={scroll.onScroll}
          onWheel={scroll.onWheel}
          onKeyDown={scroll.onKeyDown}
        >
          {lines.length === 0 ? (
            <p className={styles.empty}>
              {loading ? 'Loading the log…' : live ? 'Waiting for the job to start…' : 'This job printed nothing.'}
            </p>
          ) : (
            <div className={styles.sizer} style={{ height: total }}>
              {virtualizer.getVirtualItems().map((item) => {
                const line = lines[item.index]!;
                return (
                  <LogRow
                    key={line.n}
                    line={line}
                    top={item.start}
                    showTime={showTime}
                    query={search.searched}
                    selected={selection !== null && line.n >= selection.from && line.n <= selection.to}
                    current={line.n === search.currentLine}
                    onNumberClick={onNumberClick}
                  />
                );
              })}
            </div>
          )}
        </div>
        {!scroll.following && total > viewport && (
          <button type="button" className={styles.jump} onClick={scroll.followTail}>
            {live ? 'Jump to latest' : 'Jump to end'} <span aria-hidden="true">↓</span>
          </button>
        )}
      </div>
    </div>
  );
}
