import { STATUS_ICONS } from './status-icons';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`status status-${status}`}>
      <span aria-hidden="true">{STATUS_ICONS[status] ?? '•'}</span> {status}
    </span>
  );
}
