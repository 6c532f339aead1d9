import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { OmeChatClient } from '../src/omechat-client.js';
import {
  CrashableServer,
  freshDatabase,
  match,
  newDevice,
  reopen,
  seededRandom,
  sleep,
  stalledSocket,
  type Device,
} from './crash-harness.js';

// Issue 13 point 3: kill -9 of a real server process at random moments under load; after each
// restart every message the server acknowledged to its sender is in the recipient SDK's history
// exactly once, in writing order. Three recipients: one reading, one connected but not reading,
// one offline. CRASH_SEED replays a run; CRASH_KILLS sets the kills per store (default 5, so 10 a run).
const SEED = Number(process.env.CRASH_SEED ?? randomInt(2 ** 31));
const KILLS = Number(process.env.CRASH_KILLS ?? 5);
const MAX_AHEAD = 25;
console.log(`crash suite: CRASH_SEED=${SEED} (set it to replay this run), ${KILLS} kills per store`);

type Mode = 'reading' | 'stalled' | 'offline';
interface Pair {
  mode: Mode;
  sender: Device;
  recipient: Device;
  chat_id: string;
  written: string[];
  /** Texts whose message.ack the sender got. */
  acked: Set<string>;
  stalled: WebSocket | null;
}

const counts = { kills: 0, acked: 0, written: 0, checks: 0 };
afterAll(() => {
  console.log(
    `crash suite (seed ${SEED}): ${counts.kills} kills, ${counts.written} messages written, ` +
      `${counts.acked} acknowledged before a kill, ${counts.checks} recipient histories checked`,
  );
});

function fail(msg: string): never {
  throw new Error(`${msg} (replay with CRASH_SEED=${SEED})`);
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  fail(`${what}: not within ${ms} ms`);
}

/** The partner's texts in the recipient's history (ordered by the SDK), checked once each, in order. */
async function checkHistory(p: Pair, mustHave: ReadonlySet<string>, label: string): Promise<void> {
  const client = p.recipient.client!;
  const have = async () => (await client.history(p.chat_id)).filter((m) => !m.from_me).map((m) => m.text);
  let missing: string[] = [];
  try {
    await waitFor(async () => {
      const got = new Set(await have());
      missing = [...mustHave].filter((t) => !got.has(t));
      return missing.length === 0;
    }, `${label}: ${p.mode} recipient gets every acknowledged message`);
  } catch (err) {
    // Name what is missing and what the sender's SDK says of it, so a failure can be traced.
    const sent = await p.sender.client!.history(p.chat_id);
    const status = missing.map(
      (t) => `"${t}": ${sent.find((m) => m.text === t)?.status ?? 'not in history'}`,
    );
    throw new Error(
      `${(err as Error).message}; missing ${missing.length}: ${status.slice(0, 20).join(', ')}`,
    );
  }
  const texts = await have();
  const seen = new Set<string>();
  let last = -1;
  for (const t of texts) {
    if (seen.has(t)) fail(`${label}: ${p.mode} recipient has "${t}" twice`);
    seen.add(t);
    const i = p.written.indexOf(t);
    if (i < 0) fail(`${label}: ${p.mode} recipient has "${t}", which was never written`);
    if (i <= last) fail(`${label}: ${p.mode} recipient has "${t}" out of order`);
    last = i;
  }
  counts.checks++;
}

/** The recipient leaves its SDK client: offline, or connected through a socket it does not read. */
async function leave(server: CrashableServer, p: Pair): Promise<void> {
  if (p.mode === 'reading') return;
  p.recipient.client?.close();
  p.recipient.client = null;
  if (p.mode === 'stalled') p.stalled = await stalledSocket(server.url, p.recipient.account);
}

async function crashRun(store: 'sqlite' | 'postgres', env: Record<string, string>) {
  const random = seededRandom(SEED ^ (store === 'sqlite' ? 0x5eed : 0x9e55));
  const server = await CrashableServer.start({
    MESSAGES_PER_SECOND: '1000',
    MESSAGE_BURST: '1000',
    FRAMES_PER_SECOND: '10000',
    // A copy the stalled recipient does not acknowledge is parked after this (default 1 s).
    LIVE_ACK_DEADLINE_MS: '250',
    SLOW_CONSUMER_GRACE_MS: '3000',
    ...env,
  });
  const pairs: Pair[] = [];
  try {
    const modes: Mode[] = ['reading', 'stalled', 'offline'];
    for (const [i, mode] of modes.entries()) {
      const tag = `${store.slice(0, 2)}${i}${SEED.toString(36).slice(-4)}`;
      const sender = await newDevice(server.url, `cs_${tag}`, 20 + i);
      const recipient = await newDevice(server.url, `cr_${tag}`, 20 + i);
      const chat = await match(sender.client!, recipient.client!);
      pairs.push({
        mode,
        sender,
        recipient,
        chat_id: chat.chat_id,
        written: [],
        acked: new Set(),
        stalled: null,
      });
    }
    for (const p of pairs) {
      const texts = new Map<string, string>();
      p.sender.client!.on('message', (m) => {
        if (m.from_me && m.chat_id === p.chat_id) texts.set(m.msg_id, m.text);
      });
      p.sender.client!.on('message.status', (s) => {
        const t = texts.get(s.msg_id);
        if (t !== undefined && s.status !== 'sending') p.acked.add(t);
      });
      await leave(server, p);
    }

    // Load: every sender writes on, through outages (the SDK keeps what it could not send yet).
    let stop = false;
    const load = pairs.map(async (p) => {
      const sender: OmeChatClient = p.sender.client!;
      for (let n = 1; !stop; n++) {
        // Like a person typing: a few messages ahead of the acknowledgements at most, so the
        // backlog an outage leaves stays small enough to check.
        while (!stop && p.written.length - p.acked.size >= MAX_AHEAD) await sleep(50);
        if (stop) break;
        const text = `${p.mode} ${n}`;
        p.written.push(text);
        counts.written++;
        await sender.sendText(p.chat_id, text);
        await sleep(10 + random() * 60);
      }
    });

    for (let k = 1; k <= KILLS; k++) {
      await sleep(300 + random() * 2200);
      await server.kill();
      counts.kills++;
      console.log(`crash suite: ${store}, kill ${k} of ${KILLS}`);
      // Acks already on their way are read; nothing can be acknowledged after this.
      await sleep(300);
      const acked = pairs.map((p) => new Set(p.acked));
      for (const a of acked) counts.acked += a.size;
      for (const p of pairs) {
        p.stalled?.terminate();
        p.stalled = null;
      }
      await server.restart();
      const label = `${store}, after kill ${k}`;
      for (const [i, p] of pairs.entries()) {
        await reopen(server.url, p.recipient);
        await checkHistory(p, acked[i]!, label);
        await leave(server, p);
      }
    }

    // Last: no more kills; everything written reaches its recipient, once, in order.
    stop = true;
    await Promise.all(load);
    for (const p of pairs) {
      p.stalled?.terminate();
      p.stalled = null;
      await reopen(server.url, p.recipient);
    }
    for (const p of pairs) {
      await waitFor(
        async () => (await p.sender.client!.history(p.chat_id)).every((m) => m.status !== 'sending'),
        `${store}: the ${p.mode} pair's sender empties its outbox`,
      );
      await checkHistory(p, new Set(p.written), `${store}, at the end`);
    }
    expect(counts.kills).toBeGreaterThanOrEqual(KILLS);
  } finally {
    for (const p of pairs) {
      p.stalled?.terminate();
      p.sender.client?.close();
      p.recipient.client?.close();
    }
    await server.destroy();
  }
}

describe(`every acknowledged message survives kill -9 (seed ${SEED})`, () => {
  it('on SQLite', () => crashRun('sqlite', {}), 900_000);

  it('on PostgreSQL', async () => {
    const db = await freshDatabase('omechat_crash');
    try {
      await crashRun('postgres', { DATABASE_URL: db.url });
    } finally {
      await db.drop();
    }
  }, 900_000);
});
