import { Icon } from './icons.js';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

/** Visible toasts plus a polite live region, so screen readers hear notices too. */
export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss(id: number): void }) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-relevant="additions">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          <span>{t.text}</span>
          <button
            type="button"
            className="icon-btn"
            aria-label="Dismiss notice"
            onClick={() => onDismiss(t.id)}
          >
            <Icon name="x" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
