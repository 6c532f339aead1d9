import type { Config } from './config.js';
import type { Bus } from './ports/bus.js';
import { BusNetwork, LocalBus } from './core/cluster/local-bus.js';
import { RedisBus } from './redis/redis-bus.js';

/** The bus the config names: Redis with REDIS_URL, else in-process (`network` joins test servers). */
export async function openBus(config: Config, network?: BusNetwork): Promise<Bus> {
  if (config.REDIS_URL)
    return RedisBus.connect({
      url: config.REDIS_URL,
      prefix: config.REDIS_KEY_PREFIX,
      presenceTtlMs: config.PRESENCE_TTL_MS,
    });
  return new LocalBus(network ?? new BusNetwork());
}
