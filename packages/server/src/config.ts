import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { POW_MAX_COUNTER } from '@omechat/protocol';
import { MAX_DEVICES_PER_ACCOUNT } from './core/accounts/account-service.js';

const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting, from environment variables, validated once at start-up (docs/operations.md lists them). */
export const ConfigSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis://')
    .optional(),
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share a Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, 'letters, digits, ":", "_" or "-" (at most 64)')
    .default('omechat:'),
  /** A node not heard from for this long is dead: its clients count as offline (presence). */
  PRESENCE_TTL_MS: int(15_000, 1000, 600_000),
  TRUST_PROXY: bool(false),
  SQLITE_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  ARGON2_MEMORY_KIB: int(19_456, 19_456),
  ARGON2_TIME_COST: int(2, 2),
  /** argon2 worker processes (one hash each at a time): leave a core to the relay's event loop. */
  ARGON2_CONCURRENCY: int(Math.max(1, availableParallelism() - 1), 1, 64),
  /** argon2 jobs that may wait for a worker; beyond that, SERVICE_BUSY with retry_after. */
  ARGON2_QUEUE_MAX: int(32, 1, 10_000),
  /** OS niceness of the argon2 worker processes (19 = lowest priority). */
  ARGON2_NICE: int(19, 0, 19),
  SIGNUPS_PER_NETWORK_PER_HOUR: int(30, 1),
  LOGINS_PER_ACCOUNT_NETWORK_PER_15MIN: int(10, 1),
  LOGINS_PER_NETWORK_PER_MINUTE: int(30, 1),
  DEVICES_PER_ACCOUNT: int(MAX_DEVICES_PER_ACCOUNT, 1, MAX_DEVICES_PER_ACCOUNT),
  BODY_LIMIT_BYTES: int(65_536, 1024),
  WEB_DIR: z.string().optional(),
  MAX_FRAME_BYTES: int(256 * 1024, 4096),
  AUTH_TIMEOUT_MS: int(10_000, 100),
  HEARTBEAT_MS: int(30_000, 100),
  FRAMES_PER_SECOND: int(200, 1),
  UNAUTHENTICATED_SOCKETS_PER_NETWORK: int(32, 1),
  UNAUTHENTICATED_SOCKETS_MAX: int(10_000, 1),
  MESSAGES_PER_SECOND: int(20, 1),
  MESSAGE_BURST: int(60, 1),
  MESSAGE_TTL_DAYS: int(30, 1, 3650),
  ENDED_CHAT_PENDING_DAYS: int(7, 1, 3650),
  PENDING_ENVELOPES_PER_DEVICE: int(10_000, 1),
  PENDING_BYTES_PER_DEVICE: int(32 * 1024 * 1024, 1024),
  ONE_TIME_PREKEYS_PER_DEVICE: int(500, 1),
  ONE_TIME_KEM_PREKEYS_PER_DEVICE: int(100, 1),
  BUNDLE_FETCHES_PER_PAIR_PER_HOUR: int(60, 1),
  BLOCK_CACHE_BYTES: int(64 * 1024 * 1024, 0),
  SEND_BUFFER_BYTES: int(1024 * 1024, 16 * 1024),
  SLOW_CONSUMER_GRACE_MS: int(15_000, 100),
  LIVE_ACK_DEADLINE_MS: int(1000, 10, 60_000),
  UNACKED_BYTES_PER_CONNECTION: int(16 * 1024 * 1024, 64 * 1024),
  // Several nodes (docs/operations.md "Several nodes"): live copies across nodes, message limits.
  CROSS_NODE_BATCH_MS: int(25, 0, 1000),
  CROSS_NODE_SETTLE_BATCH_MS: int(50, 0, 1000),
  CROSS_NODE_MARGIN_MS: int(2000, 100, 60_000),
  CROSS_NODE_COPIES_MAX: int(20_000, 1),
  MESSAGE_LIMIT_SYNC_MS: int(250, 10, 10_000),
  DELIVERY_ACK: z.enum(['device', 'store']).default('device'),
  GROUP_COMMIT_MS: int(2, 0, 100),
  SKIP_COOLDOWN_MS: int(10 * 60_000, 0),
  METRICS_ENABLED: bool(false),
  // Moderation (docs/moderation.md)
  REPORT_WINDOW_DAYS: int(7, 1, 90),
  REPORTS_PER_DAY: int(10, 1, 1000),
  REPORT_ATTEMPTS_PER_HOUR: int(30, 1, 10_000),
  REPORT_THRESHOLD: int(3, 1, 1000),
  REPORT_THRESHOLD_HOURS: int(24, 1, 24 * 30),
  REPORT_BODY_LIMIT_BYTES: int(1024 * 1024, 64 * 1024, 16 * 1024 * 1024),
  EVIDENCE_RETENTION_DAYS: int(14, 1, 365),
  UNRESOLVED_EVIDENCE_DAYS: int(90, 1, 365),
  APPEAL_WINDOW_DAYS: int(183, 183, 3650),
  FRANKING_KEY_ROTATION_HOURS: int(24, 1, 24 * 30),
  AUDIT_RETENTION_DAYS: int(730, 30, 3650),
  MODERATION_SWEEP_MS: int(2000, 100, 600_000),
  // Ban evasion: proof of work, network layer, probation, behaviour limits (docs/operations.md)
  POW_MIN_LEVEL: int(1, 0, 20),
  POW_MAX_LEVEL: int(10, 1, 20),
  POW_BASE_COUNTER: int(8, 1, 1 << 16),
  POW_SCRYPT_COST: int(1024, 16, 1 << 15).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  POW_SCRYPT_BLOCK_SIZE: int(8, 1, 16),
  POW_CHALLENGE_TTL_SECONDS: int(600, 30, 3600),
  POW_NETWORK_SIGNUPS_PER_STEP: int(2, 1),
  POW_GLOBAL_SIGNUPS_PER_STEP: int(600, 1),
  POW_LEVELS_PER_BAN: int(2, 0, 10),
  POW_DECAY_MINUTES: int(30, 1, 24 * 60),
  POW_BAN_DECAY_HOURS: int(24, 1, 24 * 7),
  CHALLENGES_PER_NETWORK_PER_HOUR: int(60, 1),
  REPORTS_PER_NETWORK_PER_HOUR: int(60, 1),
  PROBATION_DAYS: int(3, 0, 365),
  PROBATION_CHATS: int(5, 0, 1000),
  PROBATION_MIN_CHAT_SECONDS: int(60, 0, 3600),
  PROBATION_SEPARATE_POOL: bool(true),
  SKIPS_PER_HOUR: int(120, 1),
  PROBATION_SKIPS_PER_HOUR: int(40, 1),
  RAPID_NEXT_COUNT: int(20, 2, 1000),
  RAPID_NEXT_WINDOW_SECONDS: int(300, 10, 86_400),
  NEXT_COOLDOWN_SECONDS: int(120, 1, 86_400),
  MESSAGES_PER_MINUTE_PER_ACCOUNT: int(300, 1),
  PROBATION_MESSAGES_PER_MINUTE: int(60, 1),
  INVITATIONS_PER_HOUR: int(30, 1),
  BROWSES_PER_MINUTE: int(20, 1),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; on error, one line per bad variable naming it and what is wrong (never its value). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') picked[key] = v;
  }
  const r = ConfigSchema.safeParse(picked);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (
    r.data.POW_MIN_LEVEL > r.data.POW_MAX_LEVEL ||
    r.data.POW_BASE_COUNTER * 2 ** (r.data.POW_MAX_LEVEL - 1) > POW_MAX_COUNTER
  )
    throw new ConfigError(
      `Invalid configuration:\n  POW_MAX_LEVEL: must be at least POW_MIN_LEVEL, and POW_BASE_COUNTER × 2^(POW_MAX_LEVEL - 1) at most ${POW_MAX_COUNTER}`,
    );
  if (r.data.REDIS_URL && !r.data.DATABASE_URL) {
    // Nodes share their data through PostgreSQL; a SQLite file belongs to one process.
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: several nodes need a shared PostgreSQL database; set DATABASE_URL too (see docs/operations.md)',
    );
  }
  return { ...r.data, DATA_DIR: resolve(r.data.DATA_DIR) };
}
