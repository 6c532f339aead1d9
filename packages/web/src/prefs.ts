// Non-secret UI preferences only. Keys, tokens and secrets live in IndexedDB inside the SDK.
const PREFIX = 'omechat.pref.';

export type Theme = 'light' | 'dark';

function read(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null; // storage may be disabled (private mode); preferences are optional
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(PREFIX + key, value);
  } catch {
    /* ignore: preferences are optional */
  }
}

export function storedTheme(): Theme | null {
  const t = read('theme');
  return t === 'light' || t === 'dark' ? t : null;
}

export function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme | null): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

export function saveTheme(theme: Theme): void {
  write('theme', theme);
  applyTheme(theme);
}

export function storedTolerance(): number | null {
  const v = read('tolerance');
  return v === null ? null : Number(v);
}

export function saveTolerance(t: number): void {
  write('tolerance', String(t));
}

export function storedAvailability(): boolean {
  return read('open') === '1';
}

export function saveAvailability(open: boolean): void {
  write('open', open ? '1' : '0');
}

/** Background notifications: off until the user turns them on; message text only on a second opt-in. */
export interface NotificationPrefs {
  enabled: boolean;
  showText: boolean;
}

export function storedNotificationPrefs(): NotificationPrefs {
  return { enabled: read('notify') === '1', showText: read('notify-text') === '1' };
}

export function saveNotificationPrefs(p: NotificationPrefs): void {
  write('notify', p.enabled ? '1' : '0');
  write('notify-text', p.showText ? '1' : '0');
}
