import { Fragment, type ReactNode } from 'react';

export interface QueueListProps<T> {
  /** Id of the heading, for the section's label. */
  id: string;
  title: string;
  items: T[] | null;
  error: string | null;
  /** The last action's result, shown and announced. */
  status: string;
  reload(): void;
  empty: string;
  emptyTestId: string;
  itemKey(item: T): string;
  renderItem(item: T): ReactNode;
  /** Buttons beside Reload (bulk actions). */
  actions?: ReactNode;
  /** Shown between the buttons and the list (a bulk form). */
  children?: ReactNode;
}

/** One moderation queue: heading with its count, status, error, Reload, the cards or an empty note. */
export function QueueList<T>(props: QueueListProps<T>) {
  const { id, title, items, error, status, reload } = props;
  return (
    <section aria-labelledby={id} className="mod-queue">
      <h1 id={id} className="page-title">
        {title} {items ? `(${items.length})` : ''}
      </h1>
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
      {status ? (
        <p className="notice" data-testid="mod-status">
          {status}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="button" className="btn btn-ghost btn-small" onClick={reload} data-testid="mod-reload">
          Reload
        </button>
        {props.actions}
      </div>
      {props.children}
      {items?.length === 0 ? (
        <p className="muted" data-testid={props.emptyTestId}>
          {props.empty}
        </p>
      ) : null}
      {items?.map((item) => (
        <Fragment key={props.itemKey(item)}>{props.renderItem(item)}</Fragment>
      ))}
    </section>
  );
}
