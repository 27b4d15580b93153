// One log line's text as React elements: colours as classes of the log's CSS
// module (or inline colours for 256/true colour), URLs as links, search matches
// as <mark>. Text is always rendered as text, never as HTML.
import { Fragment, memo, useMemo, type CSSProperties, type ReactNode } from 'react';
import { decorate, type Piece } from './ansi-segments';
import styles from './log-viewer.module.css';

function renderPiece(piece: Piece, key: number): ReactNode {
  const className = piece.tokens.map((t) => styles[t]).join(' ') || undefined;
  const style: CSSProperties | undefined =
    piece.color || piece.background ? { color: piece.color, backgroundColor: piece.background } : undefined;
  const inner =
    className || style ? (
      <span className={className} style={style}>
        {piece.text}
      </span>
    ) : (
      piece.text
    );
  return piece.mark ? (
    <mark key={key} className={styles.match}>
      {inner}
    </mark>
  ) : (
    <Fragment key={key}>{inner}</Fragment>
  );
}

/** A line's text with its ANSI styles, links, and the matches of `query` marked. */
export const AnsiText = memo(function AnsiText({ text, query }: { text: string; query: string }) {
  const spans = useMemo(() => decorate(text, query), [text, query]);
  return spans.map((span, i) =>
    span.href ? (
      <a key={i} href={span.href} target="_blank" rel="noopener noreferrer" className={styles.link}>
        {span.pieces.map(renderPiece)}
      </a>
    ) : (
      <Fragment key={i}>{span.pieces.map(renderPiece)}</Fragment>
    ),
  );
});
