import { useId, useLayoutEffect, useRef, type ReactNode } from 'react';

export interface ModalProps {
  title: string;
  description?: ReactNode;
  onClose(): void;
  children: ReactNode;
  testid?: string;
  wide?: boolean;
}

/**
 * A native modal <dialog>: the browser makes the page behind it inert and closes it on Escape.
 * Focus goes to the element marked data-autofocus (or the first control) and back to where it was.
 */
export function Modal({ title, description, onClose, children, testid, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      aria-labelledby={titleId}
      aria-describedby={description ? descId : undefined}
      data-testid={testid}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="modal-body">
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        {description ? (
          <div id={descId} className="modal-description">
            {description}
          </div>
        ) : null}
        {children}
      </div>
    </dialog>
  );
}
