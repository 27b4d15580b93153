const ICONS: Record<string, string> = {
  pending: '○',
  queued: '◌',
  running: '◐',
  success: '✓',
  failed: '✕',
  cancelled: '⊘',
  skipped: '↷',
  manual: '▶',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`}>
      <span aria-hidden="true">{ICONS[status] ?? '•'}</span> {status}
    </span>
  );
}
