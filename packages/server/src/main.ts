import { join } from 'node:path';
import type pino from 'pino';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { Argon2SecretHasher } from './hashing/argon2-secret-hasher.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { AccountService } from './core/accounts/account-service.js';
import { NetworkHasher } from './core/network-hasher.js';
import { buildHttpApp } from './http/build-http-app.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where log lines go (tests capture them to assert nothing private is logged). */
  logDestination?: pino.DestinationStream;
  clock?: Clock;
}

/** The only composition root: picks adapters from validated config, wires the core, listens. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.LOG_LEVEL, opts.logDestination);
  const clock = opts.clock ?? systemClock;
  const store: Store = new SqliteStore({
    filename: join(config.DATA_DIR, 'omechat.db'),
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
  const limiter = new MemoryRateLimiter(clock);
  const hasher = new Argon2SecretHasher(
    { memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 },
    config.ARGON2_CONCURRENCY,
  );
  const services: Services = {
    accounts: new AccountService({
      store,
      hasher,
      clock,
      limiter,
      limits: {
        signupsPerNetworkPerHour: config.SIGNUPS_PER_NETWORK_PER_HOUR,
        loginsPerAccountPer15Min: config.LOGINS_PER_ACCOUNT_PER_15MIN,
        loginsPerNetworkPerMinute: config.LOGINS_PER_NETWORK_PER_MINUTE,
      },
    }),
    networkHasher: new NetworkHasher(clock),
  };
  const app = buildHttpApp({
    services,
    logger,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  logger.info({ port, store: 'sqlite' }, 'omechat listening');
  return {
    url: `http://${host}:${port}`,
    port,
    services,
    store,
    logger,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
