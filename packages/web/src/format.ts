const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function clockTime(ts: number): string {
  return timeFmt.format(ts);
}

export function fullTime(ts: number): string {
  return fullFmt.format(ts);
}

/** "14:05" today, "Yesterday", else "Mar 3". */
export function relativeDay(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return timeFmt.format(ts);
  const y = new Date(now - 86_400_000);
  if (d.toDateString() === y.toDateString()) return 'Yesterday';
  return dayFmt.format(ts);
}

export function endedText(reason: string | null, partner: string): string {
  switch (reason) {
    case 'blocked':
      return `This chat ended: ${partner} is blocked or blocked you.`;
    case 'account_deleted':
      return `${partner} deleted their account.`;
    case 'age_wall':
      return 'This chat ended because the age rules no longer allow it.';
    case 'next':
      return `${partner} moved on to the next stranger.`;
    case 'closed':
      // Ended by the service (moderation); the reason is not shared with the partner.
      return 'This chat was closed by OmeChat.';
    case 'left':
    default:
      return `${partner} left the chat.`;
  }
}

/** A short, non-identifying label for this device, e.g. "Firefox on Android". */
export function deviceLabel(ua = navigator.userAgent): string {
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown OS';
  return `${browser} on ${os}`;
}

const dayOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "Mar 3, 2027", or "no end date" for null (permanent, or until a moderator has reviewed). */
export function endDate(ts: number | null): string {
  return ts === null ? 'no end date' : fullFmt.format(ts);
}

export function dayText(ts: number): string {
  return dayOnly.format(ts);
}
