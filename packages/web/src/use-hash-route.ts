import { useCallback, useEffect, useState } from 'react';

export type Route = { view: 'home' } | { view: 'chats'; chat_id: string | null } | { view: 'settings' };

function parse(hash: string): Route {
  const [, view, id] = hash.replace(/^#/, '').split('/');
  if (view === 'chats') return { view: 'chats', chat_id: id ? decodeURIComponent(id) : null };
  if (view === 'settings') return { view: 'settings' };
  return { view: 'home' };
}

function format(r: Route): string {
  if (r.view === 'chats') return r.chat_id ? `#/chats/${encodeURIComponent(r.chat_id)}` : '#/chats';
  return `#/${r.view}`;
}

/** Routes in the URL fragment (never sent to the server), so Back works on phones. */
export function useHashRoute(): [Route, (r: Route, replace?: boolean) => void] {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const go = useCallback((r: Route, replace = false) => {
    const h = format(r);
    if (h === location.hash) return;
    if (replace) history.replaceState(null, '', h);
    else history.pushState(null, '', h);
    setRoute(r);
  }, []);
  return [route, go];
}

/** Whether the URL asks for the moderators' page (`#/moderation`), which has its own sign-in. */
export function useIsModerationRoute(): boolean {
  const [on, setOn] = useState(() => location.hash.startsWith('#/moderation'));
  useEffect(() => {
    const onChange = () => setOn(location.hash.startsWith('#/moderation'));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return on;
}
