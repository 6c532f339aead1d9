import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { openStore } from './open-store.js';
import { Argon2SecretHasher } from './hashing/argon2-secret-hasher.js';
import type { SecretHasher } from './ports/secret-hasher.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { AccountService } from './core/accounts/account-service.js';
import { ClientDirectory } from './core/accounts/client-directory.js';
import { NetworkHasher } from './core/network-hasher.js';
import { ConnectionHub } from './core/presence/connection-hub.js';
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
}

/** The only composition root: picks adapters from validated config, wires the core, listens. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.LOG_LEVEL, opts.logDestination);
  const clock = opts.clock ?? systemClock;
  const store: Store = await openStore(config);
  const policy = moderationPolicy(config);
  const limiter = new MemoryRateLimiter(clock);
  const hasher =
    opts.secretHasher ??
    new Argon2SecretHasher(
      { memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 },
      config.ARGON2_CONCURRENCY,
    );
  const hub = new ConnectionHub();
  const directory = new ClientDirectory(store);
  const windows = new ReportWindows({ store, clock, windowMs: policy.reportWindowMs });
  await windows.init();
  const standing = new StandingService({ store, clock, appealWindowMs: policy.appealWindowMs });
  const chats = new ChatService({
    store,
    hub,
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
    quota: new PendingQuota(store, {
      maxEnvelopes: config.PENDING_ENVELOPES_PER_DEVICE,
      maxBytes: config.PENDING_BYTES_PER_DEVICE,
    }),
    limits: {
      highWaterBytes: config.SEND_BUFFER_BYTES,
      lowWaterBytes: Math.floor(config.SEND_BUFFER_BYTES / 4),
      slowConsumerGraceMs: config.SLOW_CONSUMER_GRACE_MS,
      liveAckDeadlineMs: config.LIVE_ACK_DEADLINE_MS,
      messagesPerSecond: config.MESSAGES_PER_SECOND,
      messageBurst: config.MESSAGE_BURST,
      envelopeTtlMs: config.MESSAGE_TTL_DAYS * 86_400_000,
    },
  });
  const matches = new MatchService({
    store,
    chats,
    hub,
    clock,
    limiter,
    skipCooldownMs: config.SKIP_COOLDOWN_MS,
    standing,
  });
  await matches.init();
  const enforcer = new ModerationEnforcer({
    store,
    clock,
    hub,
    chats,
    matches,
    directory,
    relay: { forgetClient: (c) => relay.forgetClient(c), dropBlock: (c) => relay.cache.drop(c) },
    appealWindowMs: policy.appealWindowMs,
  });
  const desk = createModerationDesk({ store, clock, policy, standing, enforcer });
  const prekeys = new PrekeyService({
    store,
    chats,
    directory,
    hub,
    clock,
    limiter,
    limits: {
      oneTimePrekeysPerDevice: config.ONE_TIME_PREKEYS_PER_DEVICE,
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
    onClientAdded: (user_hash) => directory.invalidate(user_hash),
    onClientRevoked: ({ user_hash, client_hash }) => {
      directory.invalidate(user_hash);
      relay.forgetClient(client_hash);
      hub.client(client_hash)?.close('UNAUTHENTICATED');
    },
    onAccountBeforeDelete: async (user_hash) => {
      await chats.endAllOf(user_hash, 'account_deleted');
    },
    standing,
    onAccountDeleted: (user_hash, clientHashes) => {
      directory.invalidate(user_hash);
      matches.forgetUser(user_hash);
      for (const c of clientHashes) relay.forgetClient(c);
      for (const conn of [...hub.user(user_hash)]) conn.close('UNAUTHENTICATED');
    },
  });

  // Presence only towards chat partners.
  const notifyPresence = (user_hash: string, online: boolean) => {
    chats
      .partnersOf(user_hash)
      .then((list) => {
        for (const { chat_id, partner } of list)
          hub.sendToUser(partner, { type: 'presence', chat_id, user_hash, online });
      })
      .catch((e: Error) => logger.warn({ err: e.message }, 'presence notice failed'));
  };
  const presenceSubscriptions = [
    hub.events.on('userOnline', ({ user_hash }) => notifyPresence(user_hash, true)),
    hub.events.on('userOffline', ({ user_hash }) => {
      matches.userOffline(user_hash);
      notifyPresence(user_hash, false);
    }),
  ];

  const services: Services = {
    accounts,
    networkHasher: new NetworkHasher(clock),
    directory,
    hub,
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
      for (const unsubscribe of presenceSubscriptions) unsubscribe();
      for (const user of [...hub.onlineUsers()]) {
        for (const conn of [...hub.user(user)]) {
          await relay.detach(conn);
          hub.remove(conn);
        }
      }
      for (const c of app.websocketServer?.clients ?? []) c.terminate();
      await app.close();
      await store.close();
    },
  };
}
