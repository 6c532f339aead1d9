import { Redis } from 'ioredis';
import type { Bus, BusHandler, BusMessage, BusTarget } from '../ports/bus.js';
import { randomHash } from '../core/random-string.js';

export interface RedisBusOptions {
  url: string;
  /** Prefix of every key and channel (REDIS_KEY_PREFIX). */
  prefix: string;
  /** A node whose heartbeat is older than this is dead (PRESENCE_TTL_MS); heartbeats every third of it. */
  presenceTtlMs: number;
  nodeId?: string;
}

// Server time in ms, so nodes' clocks need not agree.
const NOW = `local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)`;
const ALIVE = `local function alive(node) local hb = redis.call('ZSCORE', KEYS[2], node)
  return hb and tonumber(hb) >= now - tonumber(ARGV[2]) end`;

/** KEYS: user's presence hash, nodes; ARGV: self, ttl, payload, channel prefix. One round trip. */
const PUBLISH_USER = `${NOW} ${ALIVE}
local sent, n = {}, 0
for _, node in ipairs(redis.call('HVALS', KEYS[1])) do
  if node ~= ARGV[1] and not sent[node] then
    sent[node] = true
    if alive(node) then redis.call('PUBLISH', ARGV[4] .. node, ARGV[3]) n = n + 1 end
  end
end
return n`;
/** KEYS: client's node key, nodes; ARGV as above. */
const PUBLISH_CLIENT = `${NOW} ${ALIVE}
local node = redis.call('GET', KEYS[1])
if node and node ~= ARGV[1] and alive(node) then redis.call('PUBLISH', ARGV[4] .. node, ARGV[3]) return 1 end
return 0`;
/** KEYS: nodes, then clients' node keys; ARGV: self, ttl. The live other node of each, or ''. */
const LOCATE = `${NOW} ${ALIVE.replace('KEYS[2]', 'KEYS[1]')}
local out = {}
for i = 2, #KEYS do
  local node = redis.call('GET', KEYS[i])
  if node and node ~= ARGV[1] and alive(node) then out[i - 1] = node else out[i - 1] = '' end
end
return out`;
/** KEYS: user's presence hash, nodes; ARGV: unused, ttl. */
const IS_ONLINE = `${NOW} ${ALIVE}
for _, node in ipairs(redis.call('HVALS', KEYS[1])) do if alive(node) then return 1 end end
return 0`;
/** KEYS: user's presence hash, client's node key; ARGV: client, node. Only this node's entry goes. */
const OFFLINE = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 0`;
/** KEYS: nodes; ARGV: self, ttl. Returns 1 when this node was not listed (Redis lost its data). */
const HEARTBEAT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 100 * tonumber(ARGV[2]))
return redis.call('ZADD', KEYS[1], now, ARGV[1])`;

/** Presence keys outlive a node at most this long (a dead node's entries are ignored at once). */
const PRESENCE_KEY_SECONDS = 86_400;

/**
 * The bus between nodes on Redis (DESIGN §11): each node subscribes to its own channel and to the
 * broadcast channel; presence maps client -> node (a hash per user, a key per client) and nodes
 * heart-beat into a sorted set, so a dead node's clients count as offline once its heartbeat is
 * older than the TTL. Routing to a user or client is one Lua script: one round trip.
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly clustered = true;
  /** Redis commands sent (the bench reports round trips per envelope). */
  commands = 0;
  private readonly handlers = new Set<BusHandler>();
  /** This node's clients, to register again if Redis lost them. */
  private readonly local = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly cmd: Redis,
    private readonly sub: Redis,
    private readonly opts: RedisBusOptions,
  ) {
    this.nodeId = opts.nodeId ?? randomHash(8);
  }

  static async connect(opts: RedisBusOptions): Promise<RedisBus> {
    const make = () => new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const cmd = make();
    const sub = make();
    // ioredis reconnects by itself; errors surface on the commands that fail.
    cmd.on('error', () => undefined);
    sub.on('error', () => undefined);
    await Promise.all([cmd.connect(), sub.connect()]);
    const bus = new RedisBus(cmd, sub, opts);
    await bus.start();
    return bus;
  }

  private key(kind: string, id: string): string {
    return `${this.opts.prefix}${kind}:${id}`;
  }

  private get nodesKey(): string {
    return `${this.opts.prefix}nodes`;
  }

  private get channelPrefix(): string {
    return `${this.opts.prefix}n:`;
  }

  private get allChannel(): string {
    return `${this.opts.prefix}all`;
  }

  private async start(): Promise<void> {
    this.sub.on('message', (channel: string, payload: string) => this.receive(channel, payload));
    await this.sub.subscribe(this.channelPrefix + this.nodeId, this.allChannel);
    await this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat().catch(() => undefined), this.opts.presenceTtlMs / 3);
    this.timer.unref();
  }

  private receive(channel: string, payload: string): void {
    const { f, m } = JSON.parse(payload) as { f: string; m: BusMessage };
    if (channel === this.allChannel && f === this.nodeId) return;
    for (const h of this.handlers) h(m);
  }

  private async heartbeat(): Promise<void> {
    this.commands++;
    const added = await this.cmd.eval(HEARTBEAT, 1, this.nodesKey, this.nodeId, this.opts.presenceTtlMs);
    // Redis restarted without our data: tell it again who is connected here.
    if (added === 1 && this.local.size > 0)
      for (const [client, user] of this.local) await this.register(user, client);
  }

  async publish(target: BusTarget, message: BusMessage): Promise<number> {
    const payload = JSON.stringify({ f: this.nodeId, m: message });
    const ttl = this.opts.presenceTtlMs;
    this.commands++;
    // PUBLISH answers how many subscribers got it: this node listens on the broadcast channel too.
    if ('all' in target) return Math.max(0, (await this.cmd.publish(this.allChannel, payload)) - 1);
    if ('node' in target)
      return target.node === this.nodeId
        ? 0
        : await this.cmd.publish(this.channelPrefix + target.node, payload);
    // A client's or a user's nodes: one routing script over their presence hash.
    const [script, presence] =
      'client' in target
        ? [PUBLISH_CLIENT, this.key('pc', target.client)]
        : [PUBLISH_USER, this.key('pu', target.user)];
    return (await this.cmd.eval(
      script,
      2,
      presence,
      this.nodesKey,
      this.nodeId,
      ttl,
      payload,
      this.channelPrefix,
    )) as number;
  }

  async locate(client_hashes: readonly string[]): Promise<Map<string, string>> {
    const at = new Map<string, string>();
    if (client_hashes.length === 0) return at;
    this.commands++;
    const nodes = (await this.cmd.eval(
      LOCATE,
      1 + client_hashes.length,
      this.nodesKey,
      ...client_hashes.map((c) => this.key('pc', c)),
      this.nodeId,
      this.opts.presenceTtlMs,
    )) as string[];
    client_hashes.forEach((c, i) => {
      if (nodes[i]) at.set(c, nodes[i]);
    });
    return at;
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async clientOnline(user_hash: string, client_hash: string): Promise<void> {
    this.local.set(client_hash, user_hash);
    await this.register(user_hash, client_hash);
  }

  private async register(user_hash: string, client_hash: string): Promise<void> {
    this.commands++;
    await this.cmd
      .multi()
      .hset(this.key('pu', user_hash), client_hash, this.nodeId)
      .expire(this.key('pu', user_hash), PRESENCE_KEY_SECONDS)
      .set(this.key('pc', client_hash), this.nodeId, 'EX', PRESENCE_KEY_SECONDS)
      .exec();
  }

  async clientOffline(user_hash: string, client_hash: string): Promise<void> {
    this.local.delete(client_hash);
    this.commands++;
    await this.cmd.eval(
      OFFLINE,
      2,
      this.key('pu', user_hash),
      this.key('pc', client_hash),
      client_hash,
      this.nodeId,
    );
  }

  async isOnline(user_hash: string): Promise<boolean> {
    this.commands++;
    const r = await this.cmd.eval(
      IS_ONLINE,
      2,
      this.key('pu', user_hash),
      this.nodesKey,
      '',
      this.opts.presenceTtlMs,
    );
    return r === 1;
  }

  /** The shared command connection, for the other Redis adapters of this node (queue, rate limits). */
  get redis(): Redis {
    return this.cmd;
  }

  /** Drops both connections without a goodbye, as a killed process would (tests of dead nodes). */
  kill(): void {
    clearInterval(this.timer);
    this.sub.disconnect();
    this.cmd.disconnect();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.cmd.zrem(this.nodesKey, this.nodeId).catch(() => undefined);
    this.sub.disconnect();
    await this.cmd.quit().catch(() => undefined);
  }
}
