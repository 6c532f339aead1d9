import type { ConnectionState } from '../sdk.js';
import type { Route } from '../use-hash-route.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { ThemeToggle } from './theme-toggle.js';
import { Icon, type IconName } from './icons.js';

export interface TopBarProps {
  route: Route;
  go(r: Route): void;
  unread: number;
  connection: ConnectionState;
  username: string;
}

const TABS: { view: Route['view']; label: string; icon: IconName }[] = [
  { view: 'home', label: 'Meet', icon: 'home' },
  { view: 'chats', label: 'Chats', icon: 'chats' },
  { view: 'settings', label: 'Settings', icon: 'settings' },
];

export function TopBar({ route, go, unread, connection, username }: TopBarProps) {
  return (
    <header className="topbar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="chats" size={18} />
        </span>
        <span className="brand-name">OmeChat</span>
      </span>
      <nav className="tabs" aria-label="Main">
        {TABS.map((t) => (
          <a
            key={t.view}
            href={t.view === 'chats' ? '#/chats' : `#/${t.view}`}
            className="tab"
            aria-current={route.view === t.view ? 'page' : undefined}
            data-testid={`nav-${t.view}`}
            onClick={(e) => {
              e.preventDefault();
              go(t.view === 'chats' ? { view: 'chats', chat_id: null } : ({ view: t.view } as Route));
            }}
          >
            <Icon name={t.icon} />
            <span className="tab-label">{t.label}</span>
            {t.view === 'chats' && unread > 0 ? (
              <span className="badge" data-testid="nav-unread">
                {unread > 99 ? '99+' : unread}
                <span className="sr-only"> unread</span>
              </span>
            ) : null}
          </a>
        ))}
      </nav>
      <div className="topbar-end">
        <ConnectionIndicator state={connection} />
        <span className="me" title="Signed in as">
          {username}
        </span>
        <ThemeToggle />
      </div>
    </header>
  );
}
