// One icon per status, beside its colour and its word (never the only cue).
export const STATUS_ICONS: Record<string, string> = {
  pending: '○',
  queued: '◌',
  running: '◐',
  success: '✓',
  failed: '✕',
  cancelled: '⊘',
  skipped: '↷',
  manual: '▶',
};
