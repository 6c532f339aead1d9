import { useId, useState } from 'react';
import { errorText } from '../../sdk.js';

export interface BulkDismissFormProps {
  /** What will be dismissed, in words ("3 selected reports"). */
  what: string;
  onDismiss(statement: string): Promise<void>;
  onCancel(): void;
}

/** Dismissing a report flood in one step, with the statement every dismissal records. */
export function BulkDismissForm({ what, onDismiss, onCancel }: BulkDismissFormProps) {
  const id = useId();
  const [statement, setStatement] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="form card bulk-dismiss"
      aria-label="Bulk dismissal"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        if (statement.trim().length < 10) return setError('Write why (at least 10 characters).');
        try {
          await onDismiss(statement.trim());
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <div className="field">
        <label htmlFor={id}>Why dismiss {what}?</label>
        <textarea
          id={id}
          rows={2}
          value={statement}
          onChange={(e) => setStatement(e.target.value)}
          data-testid="bulk-statement"
        />
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="submit" className="btn btn-primary btn-small" data-testid="bulk-dismiss-submit">
          Dismiss {what}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
