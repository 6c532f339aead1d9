import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginxCluster, type NginxCluster } from '@omechat/test-kit';
import { freshDatabase, match, newDevice, sleep, type Device } from './crash-harness.js';

// Issue 15: kill -9 of the node holding the recipient mid-chat, three nodes behind nginx (round
// robin, no stickiness). The SDK clients reconnect through nginx to another node by themselves;
// every message the sender saw acknowledged reaches the recipient's history exactly once, in
// writing order, and the sender's outbox gets the rest through.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const prefix = `omechat-test:${randomBytes(4).toString('hex')}:`;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let cluster: NginxCluster;

beforeAll(async () => {
  db = await freshDatabase('omechat_kill');
  cluster = await startNginxCluster(3, {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    MESSAGES_PER_SECOND: '1000',
    MESSAGE_BURST: '1000',
  });
}, 240_000);

afterAll(async () => {
  await cluster?.stop();
  await db?.drop();
}, 60_000);

/** A device connected through nginx, and the node its socket landed on. */
async function deviceOnSomeNode(name: string): Promise<{ device: Device; node: number }> {
  const before = await cluster.connections();
  const device = await newDevice(cluster.url, name, 30);
  const after = await cluster.connections();
  const node = after.findIndex((n, i) => n > before[i]!);
  expect(node).toBeGreaterThanOrEqual(0);
  return { device, node };
}

describe('kill -9 of a node behind nginx, with SDK clients', () => {
  it('the clients reconnect to another node; acknowledged messages arrive once each, in order', async () => {
    const { device: sender } = await deviceOnSomeNode('kill_sender');
    const { device: recipient, node } = await deviceOnSomeNode('kill_recipient');
    const chat = await match(sender.client!, recipient.client!);
    const texts = new Map<string, string>();
    const acked = new Set<string>();
    sender.client!.on('message', (m) => {
      if (m.from_me && m.chat_id === chat.chat_id) texts.set(m.msg_id, m.text);
    });
    sender.client!.on('message.status', (s) => {
      const t = texts.get(s.msg_id);
      if (t !== undefined && s.status !== 'sending') acked.add(t);
    });

    const written: string[] = [];
    let ackedBeforeKill = 0;
    for (let n = 1; n <= 30; n++) {
      const text = `k ${n}`;
      written.push(text);
      await sender.client!.sendText(chat.chat_id, text);
      if (n === 12) {
        ackedBeforeKill = acked.size;
        cluster.nodes[node]!.child.kill('SIGKILL');
      }
      await sleep(40);
    }

    const history = async () =>
      (await recipient.client!.history(chat.chat_id)).filter((m) => !m.from_me).map((m) => m.text);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const got = new Set(await history());
      if (acked.size === written.length && written.every((t) => got.has(t))) break;
      await sleep(200);
    }
    // Every message written was acknowledged in the end (the outbox resent what the kill cut off),
    // some of them before the kill, and the recipient has each once, in writing order.
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(acked.size).toBe(written.length);
    expect(await history()).toEqual(written);
    // Both clients are connected again, to live nodes only.
    const conns = await cluster.connections();
    expect(conns[node]).toBe(0);
    expect(conns.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    sender.client!.close();
    recipient.client!.close();
  }, 180_000);
});
