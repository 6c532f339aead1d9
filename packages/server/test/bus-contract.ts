import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../src/ports/bus.js';

export interface BusCluster {
  buses: Bus[];
  /** Stops node i without a goodbye (kill -9): no heartbeat, no cleanup. */
  kill(i: number): Promise<void>;
  /** How long until a killed node's clients count as offline. */
  deadAfterMs: number;
  close(): Promise<void>;
}

const frame = (n: number): BusMessage => ({
  t: 'user.frame',
  user_hash: 'u1',
  frame: { type: 'typing', chat_id: 'c', user_hash: 'u2', typing: n % 2 === 0 },
});

/** Collects what each bus receives. */
function record(buses: Bus[]): BusMessage[][] {
  return buses.map((b) => {
    const got: BusMessage[] = [];
    b.subscribe((m) => got.push(m));
    return got;
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 100));

/** The same behaviour for every Bus adapter: routing, order, no loop-back, presence, dead nodes. */
export function busContract(name: string, make: (nodes: number) => Promise<BusCluster>): void {
  describe(`Bus contract: ${name}`, () => {
    let cluster: BusCluster | undefined;
    afterEach(async () => {
      await cluster?.close();
      cluster = undefined;
    });

    it('routes to a node, a user, a client and all nodes, never back to the publisher', async () => {
      cluster = await make(3);
      const [a, b, c] = cluster.buses as [Bus, Bus, Bus];
      const got = record(cluster.buses);
      await b.clientOnline('u1', 'c1');
      await c.clientOnline('u1', 'c2');
      await c.clientOnline('u9', 'c9');

      await a.publish({ node: b.nodeId }, frame(0));
      await until(() => got[1]!.length === 1, 'node message');
      await a.publish({ user: 'u1' }, frame(1));
      await until(() => got[1]!.length === 2 && got[2]!.length === 1, 'user message');
      await a.publish(
        { client: 'c9' },
        { t: 'client.frame', client_hash: 'c9', frame: { type: 'pong' } as never },
      );
      await until(() => got[2]!.length === 2, 'client message');
      await a.publish({ all: true }, { t: 'invalidate', cache: 'chat', key: 'k' });
      await until(() => got[1]!.length === 3 && got[2]!.length === 3, 'broadcast');
      // Published by c to its own user: c handles its own part in place, b gets it.
      await c.publish({ user: 'u1' }, frame(2));
      await until(() => got[1]!.length === 4, 'user message from c');
      await settle();
      expect(got[0]).toEqual([]);
      expect(got[2]!.map((m) => m.t)).toEqual(['user.frame', 'client.frame', 'invalidate']);
      expect(got[1]![3]).toEqual(frame(2));
    });

    it('keeps the publish order towards one node', async () => {
      cluster = await make(2);
      const [a, b] = cluster.buses as [Bus, Bus];
      const got = record(cluster.buses);
      await b.clientOnline('u1', 'c1');
      await Promise.all(Array.from({ length: 50 }, (_, i) => a.publish({ user: 'u1' }, frame(i))));
      await until(() => got[1]!.length === 50, '50 messages');
      expect(got[1]).toEqual(Array.from({ length: 50 }, (_, i) => frame(i)));
    });

    it('knows who is online anywhere, and forgets a client only on the node that holds it', async () => {
      cluster = await make(2);
      const [a, b] = cluster.buses as [Bus, Bus];
      expect(await a.isOnline('u1')).toBe(false);
      await b.clientOnline('u1', 'c1');
      expect(await a.isOnline('u1')).toBe(true);
      expect(await b.isOnline('u1')).toBe(true);
      // The client moved to a: b's late goodbye must not erase a's entry.
      await a.clientOnline('u1', 'c1');
      await b.clientOffline('u1', 'c1');
      expect(await b.isOnline('u1')).toBe(true);
      const got = record(cluster.buses);
      await b.publish(
        { client: 'c1' },
        { t: 'client.frame', client_hash: 'c1', frame: { type: 'pong' } as never },
      );
      await until(() => got[0]!.length === 1, 'client message to its new node');
      await a.clientOffline('u1', 'c1');
      expect(await b.isOnline('u1')).toBe(false);
    });

    it('locates clients on other live nodes and says how many nodes a message reached', async () => {
      cluster = await make(3);
      const [a, b, c] = cluster.buses as [Bus, Bus, Bus];
      await b.clientOnline('u1', 'c1');
      await c.clientOnline('u2', 'c2');
      await a.clientOnline('u3', 'c3');
      const at = await a.locate(['c1', 'c2', 'c3', 'nowhere']);
      // Its own clients and clients connected nowhere are left out.
      expect(Object.fromEntries(at)).toEqual({ c1: b.nodeId, c2: c.nodeId });
      expect(await a.publish({ node: b.nodeId }, frame(0))).toBe(1);
      expect(await a.publish({ all: true }, { t: 'invalidate', cache: 'chat', key: 'k' })).toBe(2);
      // A killed node's channel has no listener any more.
      await cluster.kill(1);
      await until(async () => (await a.publish({ node: b.nodeId }, frame(1))) === 0, 'dead node unreached');
    });

    it("forgets a dead node's clients and sends it nothing", async () => {
      cluster = await make(2);
      const [a, b] = cluster.buses as [Bus, Bus];
      await b.clientOnline('u1', 'c1');
      expect(await a.isOnline('u1')).toBe(true);
      await cluster.kill(1);
      await until(async () => !(await a.isOnline('u1')), 'dead node forgotten', cluster.deadAfterMs + 5000);
      await a.publish({ user: 'u1' }, frame(0));
      expect(b.nodeId).not.toBe(a.nodeId);
    });
  });
}
