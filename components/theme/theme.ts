// The theme a person chose (cookie `theme`), readable on the server so the
// first paint is already in it.
export type Theme = 'light' | 'dark' | 'system';

export function themeFromCookie(value: string | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'system';
}
