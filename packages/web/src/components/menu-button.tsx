import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface MenuItem {
  label: string;
  icon?: ReactNode;
  danger?: boolean;
  testid?: string;
  onSelect(): void;
}

export interface MenuButtonProps {
  /** The button's accessible name ("Chat options"). */
  label: string;
  /** What the button shows (an icon, a short text). */
  children: ReactNode;
  items: MenuItem[];
  className?: string;
  testid?: string;
}

/**
 * A button that opens a menu (the WAI-ARIA menu button pattern): aria-haspopup and aria-expanded
 * on the button; arrow keys, Home and End move between items; Escape or Tab closes the menu, and
 * focus returns to the button (so a dialog an item opens gives focus back there too).
 */
export function MenuButton({ label, children, items, className, testid }: MenuButtonProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const menuId = useId();

  const itemEls = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    itemEls()[0]?.focus();
    // A press outside closes the menu without taking focus anywhere.
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  return (
    <div className="menu-wrap">
      <button
        ref={button}
        type="button"
        className={className ?? 'btn btn-ghost btn-small icon-only'}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid={testid}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {children}
      </button>
      {open ? (
        <ul
          ref={menu}
          id={menuId}
          className="menu"
          role="menu"
          aria-label={label}
          onKeyDown={(e) => {
            const els = itemEls();
            const at = els.indexOf(document.activeElement as HTMLElement);
            const move = (i: number) => els[(i + els.length) % els.length]?.focus();
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close(true);
            } else if (e.key === 'Tab') close(false);
            else if (e.key === 'ArrowDown') {
              e.preventDefault();
              move(at + 1);
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              move(at - 1);
            } else if (e.key === 'Home') {
              e.preventDefault();
              move(0);
            } else if (e.key === 'End') {
              e.preventDefault();
              move(els.length - 1);
            }
          }}
        >
          {items.map((item) => (
            <li key={item.label} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                className={item.danger ? 'menu-item menu-item-danger' : 'menu-item'}
                data-testid={item.testid}
                onClick={() => {
                  close(true);
                  item.onSelect();
                }}
              >
                {item.icon}
                <span>{item.label}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
