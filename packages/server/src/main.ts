// Over 400 lines on purpose: this is the composition root, the one place where every adapter meets
// the core (store, bus, hashers, limits, relay, moderation, HTTP, WebSocket); split, the wiring order
// (what must exist before what, and what closes in which order) would be spread over files.
import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { openStore } from './open-store.js';
import { Argon2ProcessPool } from './hashing/argon2-process-pool.js';
import type { SecretHasher } from './ports/secret-hasher.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { AccountService } from './core/accounts/account-service.js';
import { ClientDirectory } from './core/accounts/client-directory.js';
import { NetworkHasher } from './core/network-hasher.js';
import { ConnectionHub } from './core/presence/connection-hub.js';
import { ClusterCaches } from './core/cluster/cluster-caches.js';
import { ClusterHub } from './core/cluster/cluster-hub.js';
import { watchPartnerPresence } from './core/cluster/partner-presence.js';
import type { BusNetwork } from './core/cluster/local-bus.js';
import { openBus } from './open-bus.js';
import type { RateLimiter } from './ports/rate-limiter.js';
import { RedisBus } from './redis/redis-bus.js';
import { RedisMatchBoard } from './redis/redis-match-board.js';
import { RedisMatchQueue } from './redis/redis-match-queue.js';
import { RedisRateLimiter } from './redis/redis-rate-limiter.js';
import { RedisSyncedRateLimiter } from './redis/redis-synced-rate-limiter.js';
import { RedisNetworkState } from './redis/redis-network-state.js';
import { RedisSharedKeys } from './redis/redis-shared-keys.js';
import { MemorySharedKeys } from './limits/memory-shared-keys.js';
import type { NetworkState } from './ports/network-state.js';
import type { SharedKeys } from './ports/shared-keys.js';
import { NodeLock } from './store/postgres/node-lock.js';
import { ChatService } from './core/chats/chat-service.js';
import { FrankingTagger } from './core/relay/franking-tagger.js';
import { MessageBlockCache } from './core/relay/message-block-cache.js';
import { RelayService } from './core/relay/relay-service.js';
import { PendingQuota } from './core/relay/pending-quota.js';
import { PrekeyService } from './core/prekeys/prekey-service.js';
import { MatchService } from './core/matching/match-service.js';
import { AppealService } from './core/moderation/appeal-service.js';
import { createModerationDesk } from './core/moderation/create-moderation-desk.js';
import { ModerationEnforcer } from './core/moderation/moderation-enforcer.js';
import { ReportService } from './core/moderation/report-service.js';
import { ReportWindows } from './core/moderation/report-windows.js';
import { StandingService } from './core/moderation/standing-service.js';
import { frankingKeyPolicy, moderationPolicy } from './moderation-config.js';
import { buildHttpApp } from './http/build-http-app.js';
import { MemoryNetworkState } from './limits/memory-network-state.js';
import { Probation } from './core/accounts/probation.js';
import { BehaviourLimits } from './core/behaviour/behaviour-limits.js';
import { AuditLog } from './core/moderation/audit-log.js';
import { NetworkBans } from './core/network/network-bans.js';
import { NetworkGate } from './core/network/network-gate.js';
import { NetworkThrottle } from './core/network/network-throttle.js';
import { SignupChallenges } from './core/signup/signup-challenges.js';
import { SignupDifficulty } from './core/signup/signup-difficulty.js';
import { behaviourPolicy, powPolicy, probationPolicy } from './evasion-config.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  store: Store;
  logger: Logger;
  /** Every HTTP route registered (method, URL pattern, hidden from the API description or not). */
  routes: readonly { method: string; url: string; hidden: boolean }[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go (tests capture them to assert nothing private is logged). */
  logDestination?: pino.DestinationStream;
  clock?: Clock;
  /**
   * Replaces the argon2id hasher built from config. For benchmarks that seed thousands of accounts
   * whose secrets are never used to sign in again; never set in production (the config enforces the
   * OWASP floor for the real one).
   */
  secretHasher?: SecretHasher;
  /** Several servers of one process on one in-memory bus (tests); default: a bus of its own. */
  busNetwork?: BusNetwork;
}

/** The only composition root: picks adapters from validated config, wires the core, listens. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.LOG_LEVEL, opts.logDestination);
  const clock = opts.clock ?? systemClock;
  // Without REDIS_URL a node must be alone on its database (DESIGN §11): refuse to start otherwise.
  const nodeLock = config.DATABASE_URL
    ? await NodeLock.acquire(config.DATABASE_URL, config.REDIS_URL ? 'cluster' : 'alone')
    : undefined;
  const store: Store = await openStore(config).catch(async (e: unknown) => {
    await nodeLock?.release();
    throw e;
  });
  const bus = await openBus(config, opts.busNetwork).catch(async (e: unknown) => {
    await store.close();
    await nodeLock?.release();
    throw e;
  });
  const policy = moderationPolicy(config);
  // argon2id runs in lower-priority worker processes, bounded, so logins cannot stall the relay.
  const argon2Pool = opts.secretHasher
    ? undefined
    : new Argon2ProcessPool({
        params: { memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 },
        processes: config.ARGON2_CONCURRENCY,
        maxQueue: config.ARGON2_QUEUE_MAX,
        nice: config.ARGON2_NICE,
      });
  const hasher: SecretHasher = opts.secretHasher ?? argon2Pool!;
  // With Redis, rate-limit counters and the matching queue are shared by every node.
  const redis = bus instanceof RedisBus ? bus.redis : undefined;
  const limiter: RateLimiter = redis
    ? new RedisRateLimiter(redis, config.REDIS_KEY_PREFIX)
    : new MemoryRateLimiter(clock);
  const hub = new ConnectionHub();
  const cluster = new ClusterHub(hub, bus, (e) => logger.warn({ err: e.message }, 'bus publish failed'));
  // MLBS re-entry, network and behaviour layers (docs/security.md). Network state and the keys
  // behind network hashes and challenges are RAM only: this node's, or Redis's shared by all nodes.
  const now = () => clock.now();
  const networkState: NetworkState = redis
    ? new RedisNetworkState(redis, config.REDIS_KEY_PREFIX, now)
    : new MemoryNetworkState(clock);
  const sharedKeys: SharedKeys = redis
    ? new RedisSharedKeys(redis, config.REDIS_KEY_PREFIX, now)
    : new MemorySharedKeys(clock);
  const pow = powPolicy(config);
  const difficulty = new SignupDifficulty(networkState, pow);
  const networkBans = new NetworkBans({
    state: networkState,
    clock,
    store,
    audit: new AuditLog(store, clock),
  });
  const gate = new NetworkGate({
    state: networkState,
    bans: networkBans,
    throttle: new NetworkThrottle(limiter, {
      challengesPerHour: config.CHALLENGES_PER_NETWORK_PER_HOUR,
      reportsPerHour: config.REPORTS_PER_NETWORK_PER_HOUR,
    }),
    challenges: new SignupChallenges({
      clock,
      state: networkState,
      keys: sharedKeys,
      difficulty,
      policy: pow,
    }),
    difficulty,
  });
  const probation = new Probation({ store, clock, policy: probationPolicy(config) });
  const behaviour = new BehaviourLimits({
    limiter,
    // One Redis round trip per message.send would cost more than relaying it: counted locally,
    // synced to the shared budget in batches (docs/operations.md "Rate limits across nodes").
    messageLimiter: redis
      ? new RedisSyncedRateLimiter(redis, config.REDIS_KEY_PREFIX, clock, config.MESSAGE_LIMIT_SYNC_MS)
      : undefined,
    clock,
    policy: behaviourPolicy(config),
    probation,
    notifyCooldown: (user_hash, until) =>
      cluster.sendToUser(user_hash, { type: 'cooldown', reason: 'rapid_next', until }),
  });
  const directory = new ClientDirectory(store);
  const windows = new ReportWindows({ store, clock, windowMs: policy.reportWindowMs });
  await windows.init();
  const standing = new StandingService({ store, clock, appealWindowMs: policy.appealWindowMs });
  const chats = new ChatService({
    store,
    hub: cluster,
    clock,
    endedChats: windows,
    endedChatPendingMs: Math.min(config.ENDED_CHAT_PENDING_DAYS, config.MESSAGE_TTL_DAYS) * 86_400_000,
  });
  const tagger = new FrankingTagger(store, clock, frankingKeyPolicy(config));
  await tagger.init();
  const relay = new RelayService({
    store,
    chats,
    directory,
    tagger,
    clock,
    cache: new MessageBlockCache(config.BLOCK_CACHE_BYTES),
    cluster,
    onClusterError: (e) => logger.warn({ err: e.message }, 'bus publish failed'),
    quota: new PendingQuota(store, {
      maxEnvelopes: config.PENDING_ENVELOPES_PER_DEVICE,
      maxBytes: config.PENDING_BYTES_PER_DEVICE,
    }),
    limits: {
      highWaterBytes: config.SEND_BUFFER_BYTES,
      lowWaterBytes: Math.floor(config.SEND_BUFFER_BYTES / 4),
      slowConsumerGraceMs: config.SLOW_CONSUMER_GRACE_MS,
      liveAckDeadlineMs: config.LIVE_ACK_DEADLINE_MS,
      crossNodeBatchMs: config.CROSS_NODE_BATCH_MS,
      crossNodeSettleBatchMs: config.CROSS_NODE_SETTLE_BATCH_MS,
      crossNodeMarginMs: config.CROSS_NODE_MARGIN_MS,
      maxCrossNodeCopies: config.CROSS_NODE_COPIES_MAX,
      maxInflightBytes: config.UNACKED_BYTES_PER_CONNECTION,
      deliveryAck: config.DELIVERY_ACK,
      groupCommitMs: config.GROUP_COMMIT_MS,
      messagesPerSecond: config.MESSAGES_PER_SECOND,
      messageBurst: config.MESSAGE_BURST,
      envelopeTtlMs: config.MESSAGE_TTL_DAYS * 86_400_000,
    },
    admitMessage: (user_hash) => behaviour.admitMessage(user_hash),
  });
  const caches = new ClusterCaches({ cluster, directory, blocks: relay.cache });
  const clusterSubscriptions = [
    cluster.events.on('envelopesStored', ({ client_hash, records }) =>
      relay.storedElsewhere(client_hash, records),
    ),
    cluster.events.on('envelopesLive', ({ origin, items }) => relay.liveFromNode(origin, items)),
    cluster.events.on('envelopesSettled', ({ items }) => relay.settledByNode(items)),
  ];
  const matches = new MatchService({
    store,
    chats,
    hub: cluster,
    clock,
    limiter,
    skipCooldownMs: config.SKIP_COOLDOWN_MS,
    standing,
    probation,
    behaviour,
    endedChats: windows,
    board: redis && new RedisMatchBoard(redis, config.REDIS_KEY_PREFIX, () => clock.now()),
    queue:
      redis &&
      ((opts) =>
        new RedisMatchQueue({
          ...opts,
          redis,
          prefix: config.REDIS_KEY_PREFIX,
          nodeId: bus.nodeId,
          presenceTtlMs: config.PRESENCE_TTL_MS,
        })),
  });
  chats.events.on('ended', ({ chat, reason }) => {
    // A chat counts towards leaving probation unless it ended in a block, a report or moderation.
    if (reason !== 'left' && reason !== 'next') return;
    const lasted = clock.now() - chat.created_at;
    for (const u of [chat.user_a, chat.user_b])
      void probation
        .chatEnded(u, lasted)
        .catch((e: Error) => logger.warn({ err: e.message }, 'trust count failed'));
  });
  await matches.init();
  const enforcer = new ModerationEnforcer({
    store,
    clock,
    hub: cluster,
    chats,
    matches,
    directory: { invalidate: (u) => caches.clientsChanged(u) },
    relay: { forgetClient: (c) => relay.forgetClient(c), dropBlock: (c) => caches.blockChanged(c) },
    appealWindowMs: policy.appealWindowMs,
    onApplied: async (strike) => {
      if (strike.kind === 'ban') await gate.accountBanned(strike.user_hash);
      // A person's decision (an upheld report, a warning, a restriction or ban) restarts probation.
      if (!strike.automated) await probation.restart(strike.user_hash);
    },
  });
  const desk = createModerationDesk({ store, clock, policy, standing, enforcer });
  const prekeys = new PrekeyService({
    store,
    chats,
    directory,
    hub: cluster,
    clock,
    limiter,
    identityKeyOf: async (user_hash) => (await store.getUser(user_hash))?.identity_key ?? null,
    limits: {
      oneTimePrekeysPerDevice: config.ONE_TIME_PREKEYS_PER_DEVICE,
      oneTimeKemPrekeysPerDevice: config.ONE_TIME_KEM_PREKEYS_PER_DEVICE,
      bundleFetchesPerPairPerHour: config.BUNDLE_FETCHES_PER_PAIR_PER_HOUR,
    },
  });

  const accounts = new AccountService({
    store,
    hasher,
    clock,
    limiter,
    limits: {
      signupsPerNetworkPerHour: config.SIGNUPS_PER_NETWORK_PER_HOUR,
      loginsPerAccountNetworkPer15Min: config.LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN,
      loginsPerNetworkPerMinute: config.LOGINS_PER_NETWORK_PER_MINUTE,
      devicesPerAccount: config.DEVICES_PER_ACCOUNT,
      staleDeviceMs: config.MESSAGE_TTL_DAYS * 86_400_000,
    },
    onClientAdded: (user_hash) => caches.clientsChanged(user_hash),
    onClientRevoked: ({ user_hash, client_hash }) => {
      caches.clientsChanged(user_hash);
      relay.forgetClient(client_hash);
      cluster.closeClient(client_hash, 'UNAUTHENTICATED');
    },
    onAccountBeforeDelete: async (user_hash) => {
      await chats.endAllOf(user_hash, 'account_deleted');
    },
    standing,
    gate,
    onAccountDeleted: (user_hash, clientHashes) => {
      caches.clientsChanged(user_hash);
      void matches
        .forgetUser(user_hash)
        .catch((e: Error) => logger.warn({ err: e.message }, 'queue leave failed'));
      for (const c of clientHashes) relay.forgetClient(c);
      cluster.closeUser(user_hash, 'UNAUTHENTICATED');
    },
  });

  const unwatchPresence = watchPartnerPresence({
    cluster,
    chats,
    matches,
    onError: (what, e) => logger.warn({ err: e.message }, what),
  });

  const services: Services = {
    accounts,
    networkHasher: new NetworkHasher(clock, sharedKeys),
    network: gate,
    networkBans,
    probation,
    directory,
    hub,
    cluster,
    chats,
    relay,
    prekeys,
    matches,
    reports: new ReportService({
      store,
      clock,
      limiter,
      chats,
      matches,
      windows,
      frankingKey: (kid) => tagger.verificationKey(kid),
      strikes: desk.strikes,
      standing,
      audit: desk.audit,
      policy,
      probation,
    }),
    standing,
    appeals: new AppealService({ store, clock, accounts, standing, appealWindowMs: policy.appealWindowMs }),
    moderation: desk.moderation,
    moderators: desk.moderators,
  };
  const app = await buildHttpApp({
    services,
    logger,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    reportBodyLimit: config.REPORT_BODY_LIMIT_BYTES,
    metrics: config.METRICS_ENABLED,
    webDir: config.WEB_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    ws: {
      heartbeatMs: config.HEARTBEAT_MS,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      authTimeoutMs: config.AUTH_TIMEOUT_MS,
      framesPerSecond: config.FRAMES_PER_SECOND,
      sendBufferBytes: config.SEND_BUFFER_BYTES,
      slowConsumerGraceMs: config.SLOW_CONSUMER_GRACE_MS,
      unauthenticatedPerNetwork: config.UNAUTHENTICATED_SOCKETS_PER_NETWORK,
      unauthenticatedMax: config.UNAUTHENTICATED_SOCKETS_MAX,
    },
  });

  const background = (what: string, job: () => Promise<unknown>) => () =>
    void job().catch((e: Error) => logger.error({ err: e.message }, `${what} failed`));
  const timers = [
    // Strikes written by the CLI (or left half-applied by a crash) take effect here.
    setInterval(
      background('moderation sweep', () => enforcer.applyPending()),
      config.MODERATION_SWEEP_MS,
    ),
    setInterval(
      background('franking key rotation', () => tagger.rotate()),
      60_000,
    ),
    setInterval(
      background('moderation retention', async () => {
        await desk.moderation.sweepRetention();
        await tagger.pruneStore();
      }),
      3_600_000,
    ),
    setInterval(
      () => void matches.sweep().catch((e: Error) => logger.error({ err: e.message }, 'match sweep failed')),
      1000,
    ),
    setInterval(
      () =>
        void relay.sweepExpired().catch((e: Error) => logger.error({ err: e.message }, 'ttl sweep failed')),
      3_600_000,
    ),
  ];
  for (const t of timers) t.unref();
  await relay.sweepExpired();
  await enforcer.applyPending();
  await desk.moderation.sweepRetention();
  await tagger.pruneStore();

  // The bound address is not a log line's business ("omechat listening" below logs the port).
  await app.listen({ port: config.PORT, host: config.HOST, listenTextResolver: () => 'listening' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  logger.info({ port, store: config.DATABASE_URL ? 'postgres' : 'sqlite' }, 'omechat listening');
  return {
    url: `http://${host}:${port}`,
    routes: app.registeredRoutes,
    port,
    services,
    store,
    logger,
    async close() {
      for (const t of timers) clearInterval(t);
      // Park live-delivered but unacknowledged envelopes before the store closes, and silence presence.
      unwatchPresence();
      for (const unsubscribe of clusterSubscriptions) unsubscribe();
      for (const user of [...hub.onlineUsers()]) {
        for (const conn of [...hub.user(user)]) {
          await relay.detach(conn);
          hub.remove(conn);
          await cluster.offline(conn).catch(() => undefined);
        }
      }
      // Copies still out on other nodes are stored here; answers for theirs go out before the bus closes.
      await relay.close();
      for (const c of app.websocketServer?.clients ?? []) c.terminate();
      await app.close();
      caches.close();
      cluster.close();
      await bus.close();
      await store.close();
      await argon2Pool?.close();
      await nodeLock?.release();
    },
  };
}
