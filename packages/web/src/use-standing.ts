import { useCallback, useEffect, useState } from 'react';
import type { ConnectionState, OmeChatClient, StrikeView } from './sdk.js';

/**
 * The strike to show in the restriction banner: the restriction in force (asked for at every
 * connection, since one may have been imposed while away), or a warning just received.
 */
export function useStanding(
  client: OmeChatClient,
  connection: ConnectionState,
): { strike: StrikeView | null; onStrike(s: StrikeView): void; dismiss(): void } {
  const [strike, setStrike] = useState<StrikeView | null>(null);
  useEffect(() => {
    if (connection !== 'online') return;
    let live = true;
    client.standing().then(
      (s) => live && setStrike((cur) => s.restricted ?? (cur?.kind === 'warning' ? cur : null)),
      () => {}, // the banner is a courtesy; errors show where actions fail
    );
    return () => {
      live = false;
    };
  }, [client, connection]);
  const onStrike = useCallback((s: StrikeView) => setStrike(s), []);
  const dismiss = useCallback(() => setStrike(null), []);
  return { strike, onStrike, dismiss };
}
