'use client';
// A modal that asks why before something people answer for (rejecting a
// deploy, rolling an environment back). The native <dialog>: focus moves into
// it, Escape closes it, and the rest of the page is inert while it is open.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import styles from './deployments.module.css';

interface ReasonProps {
  title: string;
  /** The reason field's label. */
  label: string;
  /** The confirm button's words. */
  confirm: string;
  pending: boolean;
  /** What the server said when it refused; shown in the dialog, which stays open. */
  error: string | null;
  children?: ReactNode;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}

export function ReasonDialog({ open, ...props }: ReasonProps & { open: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className={styles.dialog} aria-labelledby={titleId} onClose={props.onClose}>
      {/* Mounted only while open: each opening starts with an empty reason. */}
      {open && <ReasonForm titleId={titleId} {...props} />}
    </dialog>
  );
}

function ReasonForm({
  titleId,
  title,
  label,
  confirm,
  pending,
  error,
  children,
  onConfirm,
  onClose,
}: ReasonProps & { titleId: string }) {
  const [reason, setReason] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onConfirm(reason.trim());
      }}
    >
      <h3 id={titleId}>{title}</h3>
      {children}
      <label className={`field ${styles.reasonField}`}>
        {label}
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          maxLength={2000}
          rows={3}
          autoFocus
        />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button danger" disabled={pending || !reason.trim()}>
          {pending ? 'Working…' : confirm}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
