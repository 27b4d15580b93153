// The viewer's markup, rendered on the server (the unit suite has no DOM): what
// a first paint shows. Scrolling, following and search navigation need a browser.
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LogLine } from './log-lines';
import { LogViewer, type LogViewerProps } from './log-viewer';

function render(props: Partial<LogViewerProps> & { lines: LogLine[] }): string {
  return renderToStaticMarkup(createElement(LogViewer, { live: false, ...props }));
}

const line = (n: number, text: string, at: string | null = null): LogLine => ({ n, at, text });

describe('LogViewer markup', () => {
  it('labels the log region and the search box, and names its buttons', () => {
    const html = render({ lines: [line(1, 'hello')] });
    expect(html).toContain('role="region" aria-label="Job log" tabindex="0"');
    expect(html).toContain('role="searchbox" aria-label="Search log"');
    expect(html).toContain('aria-label="Previous match"');
    expect(html).toContain('aria-label="Next match"');
    expect(html).toMatch(/<label[^>]*><input type="checkbox"\/>Show timestamps<\/label>/);
  });

  it('renders rows with test hooks, line links and colours, and no timestamps by default', () => {
    const html = render({ lines: [line(1, '\x1b[31mred\x1b[0m text', '2026-12-04T16:30:00.123Z')] });
    expect(html).toMatch(/<div data-testid="log-line" data-line="1"/);
    expect(html).toContain('href="#L1"');
    expect(html).toMatch(/<span class="[^"]*fg-red[^"]*">red<\/span> text/);
    expect(html).not.toContain('<time');
  });

  it('renders text as text, never as HTML', () => {
    const html = render({ lines: [line(1, '<img src=x onerror=alert(1)> & <b>')] });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;');
    expect(html).not.toContain('<img');
  });

  it('links URLs safely', () => {
    const html = render({ lines: [line(1, 'see https://example.com/x.')] });
    expect(html).toContain('<a href="https://example.com/x" target="_blank" rel="noopener noreferrer"');
  });

  it('renders only a screenful of a 100,000-line log', () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => line(i + 1, `line ${i + 1}`));
    const html = render({ lines });
    const rows = html.match(/data-testid="log-line"/g) ?? [];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(html).toContain('style="height:2000000px"');
  });

  it('shows the download link only when there is a URL', () => {
    expect(render({ lines: [], downloadUrl: '/logs/raw' })).toMatch(
      /<a [^>]*href="\/logs\/raw" download="">Download<\/a>/,
    );
    expect(render({ lines: [], downloadUrl: null })).not.toContain('Download');
  });

  it('says why the log is empty', () => {
    expect(render({ lines: [], live: true })).toContain('Waiting for the job to start…');
    expect(render({ lines: [], live: false })).toContain('This job printed nothing.');
    expect(render({ lines: [], live: false, loading: true })).toContain('Loading the log…');
  });

  it('shows an error as an alert', () => {
    expect(render({ lines: [], error: 'Connection lost' })).toMatch(/role="alert"[^>]*>Connection lost</);
  });

  it('highlights the initial line', () => {
    const html = render({ lines: [line(1, 'a'), line(2, 'b')], initialLine: 2 });
    expect(html).toMatch(/data-line="2" class="[^"]*selected/);
    expect(html).not.toMatch(/data-line="1" class="[^"]*selected/);
  });
});

describe('the CSS module', () => {
  it('has a class for every style token ansi-segments can produce', () => {
    const colours = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
    const tokens = [
      ...['fg', 'bg'].flatMap((layer) => colours.flatMap((c) => [`${layer}-${c}`, `${layer}-bright-${c}`])),
      ...['bold', 'dim', 'italic', 'underline', 'strikethrough', 'hidden'],
    ];
    // Read the file: vitest's stand-in for CSS modules answers any class name.
    const css = readFileSync(new URL('./log-viewer.module.css', import.meta.url), 'utf8');
    const defined = new Set([...css.matchAll(/^\.([\w-]+) \{/gm)].map((m) => m[1]));
    expect(tokens.filter((t) => !defined.has(t))).toEqual([]);
  });
});
