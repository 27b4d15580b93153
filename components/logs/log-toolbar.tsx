// The log's controls: search (with its match count and previous/next), the
// timestamp toggle, and the download link. Wraps onto several rows on a phone.
import type { KeyboardEvent, Ref } from 'react';
import styles from './log-viewer.module.css';

interface Props {
  query: string;
  onQuery: (query: string) => void;
  /** Current match (0-based, -1 for none) and the number of matches. */
  index: number;
  total: number;
  onStep: (delta: 1 | -1) => void;
  showTime: boolean;
  onShowTime: (on: boolean) => void;
  downloadUrl?: string | null;
  searchRef?: Ref<HTMLInputElement>;
}

export function LogToolbar({ searchRef, ...p }: Props) {
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      p.onStep(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && p.query !== '') {
      e.preventDefault();
      p.onQuery('');
    }
  };
  return (
    <div className={styles.toolbar}>
      <div className={styles.search}>
        <input
          ref={searchRef}
          type="search"
          role="searchbox"
          aria-label="Search log"
          placeholder="Search log"
          className={styles.searchInput}
          value={p.query}
          onChange={(e) => p.onQuery(e.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
        />
        <span className={styles.count} data-testid="log-search-count" aria-live="polite">
          {p.query === '' ? '' : p.total === 0 ? 'No matches' : `${p.index + 1} of ${p.total}`}
        </span>
        <button
          type="button"
          className={styles.iconButton}
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          disabled={p.total === 0}
          onClick={() => p.onStep(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          className={styles.iconButton}
          aria-label="Next match"
          title="Next match (Enter)"
          disabled={p.total === 0}
          onClick={() => p.onStep(1)}
        >
          ↓
        </button>
      </div>
      <label className={styles.toggle}>
        <input type="checkbox" checked={p.showTime} onChange={(e) => p.onShowTime(e.target.checked)} />
        Show timestamps
      </label>
      {p.downloadUrl && (
        <a className={styles.download} href={p.downloadUrl} download>
          Download
        </a>
      )}
    </div>
  );
}
