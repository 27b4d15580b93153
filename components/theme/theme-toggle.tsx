'use client';
// Light, dark, or the system's theme: applied at once on <html data-theme>,
// remembered in a cookie the layout reads, so the next page renders in it.
import { useState } from 'react';
import type { Theme } from './theme';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };
const ICON: Record<Theme, string> = { system: '◑', light: '☀', dark: '☾' };

export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const change = () => {
    const next = NEXT[theme];
    setTheme(next);
    if (next === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = next;
    document.cookie = `theme=${next}; path=/; max-age=31536000; samesite=lax`;
  };
  return (
    <button
      type="button"
      className="button small theme-toggle"
      onClick={change}
      aria-label={`${LABEL[theme]} (change)`}
      title={`${LABEL[theme]}: click for ${LABEL[NEXT[theme]].toLowerCase()}`}
    >
      <span aria-hidden="true">{ICON[theme]}</span>
    </button>
  );
}
