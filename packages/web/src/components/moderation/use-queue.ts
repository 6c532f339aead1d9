import { useCallback, useEffect, useState } from 'react';
import { errorCode, errorText } from '../../sdk.js';

/** Loads a moderation queue, reloads on demand, and signs out when the token stops working. */
export function useQueue<T>(load: () => Promise<T[]>, onUnauthenticated: () => void) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setItems(await load());
      setError(null);
    } catch (e) {
      if (errorCode(e) === 'UNAUTHENTICATED') return onUnauthenticated();
      setError(errorText(e));
    }
  }, [load, onUnauthenticated]);
  useEffect(() => void reload(), [reload]);
  return { items, error, reload };
}
