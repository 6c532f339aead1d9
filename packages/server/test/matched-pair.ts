import { signUp, type TestServer } from '@omechat/test-kit';
import { WsTestClient } from './ws-test-client.js';

/**
 * Two new users, each with one connected device, paired by the real matching queue (A waits, B
 * joins). Returns their credentials, sockets, the chat id and the reply to A's join.
 */
export async function matchedPair(
  server: TestServer,
  names: [string, string],
  ages: [number, number],
  tolerance: number,
) {
  const a = await signUp(server, names[0], ages[0]);
  const b = await signUp(server, names[1], ages[1]);
  const ca = await WsTestClient.authed(server.url, a);
  const cb = await WsTestClient.authed(server.url, b);
  const firstJoin = await ca.request({ type: 'match.join', tolerance });
  await cb.request({ type: 'match.join', tolerance });
  const { chat } = await ca.waitType('match.found');
  await cb.waitType('match.found');
  return { a, b, ca, cb, chat_id: chat.chat_id, firstJoin };
}
