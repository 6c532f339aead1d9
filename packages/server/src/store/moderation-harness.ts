import { randomBytes } from 'node:crypto';
import { frankingCommitment, newFrankingKey } from '@omechat/crypto';
import { OmeChatError, type ErrorCode, type RevealedMessage } from '@omechat/protocol';
import { AccountService } from '../core/accounts/account-service.js';
import { ClientDirectory } from '../core/accounts/client-directory.js';
import { ChatService } from '../core/chats/chat-service.js';
import { MatchService } from '../core/matching/match-service.js';
import { AppealService } from '../core/moderation/appeal-service.js';
import { createModerationDesk } from '../core/moderation/create-moderation-desk.js';
import { ModerationEnforcer } from '../core/moderation/moderation-enforcer.js';
import { DEFAULT_MODERATION_POLICY, type ModerationPolicy } from '../core/moderation/moderation-policy.js';
import { ReportService } from '../core/moderation/report-service.js';
import { ReportWindows } from '../core/moderation/report-windows.js';
import { StandingService } from '../core/moderation/standing-service.js';
import { ConnectionHub } from '../core/presence/connection-hub.js';
import { ClusterHub } from '../core/cluster/cluster-hub.js';
import { LocalBus } from '../core/cluster/local-bus.js';
import { FrankingTagger } from '../core/relay/franking-tagger.js';
import { MemoryRateLimiter } from '../limits/memory-rate-limiter.js';
import type { Clock } from '../ports/clock.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import type { Store } from '../ports/store.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The error code a promise rejects with (fails the test if it resolves). */
export async function code(p: Promise<unknown>): Promise<ErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OmeChatError) return e.code;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 0, 5, 12)): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/**
 * The moderation core wired on a real store with a hand-moved clock, the way main.ts wires it
 * (minus sockets and the relay, which the rules do not need). For the rules contract.
 */
export async function moderationHarness(
  store: Store,
  clock: Clock,
  policyOver: Partial<ModerationPolicy> = {},
  hasher?: SecretHasher,
) {
  const policy = { ...DEFAULT_MODERATION_POLICY, ...policyOver };
  const hub = new ConnectionHub();
  const cluster = new ClusterHub(hub, new LocalBus());
  const windows = new ReportWindows({ store, clock, windowMs: policy.reportWindowMs });
  await windows.init();
  const standing = new StandingService({ store, clock, appealWindowMs: policy.appealWindowMs });
  const chats = new ChatService({ store, hub: cluster, clock, endedChats: windows });
  const tagger = new FrankingTagger(store, clock, { rotationMs: DAY, retentionMs: policy.evidenceMaxAgeMs });
  await tagger.init();
  const limiter = new MemoryRateLimiter(clock);
  const matches = new MatchService({ store, chats, hub: cluster, clock, limiter, standing });
  await matches.init();
  const directory = new ClientDirectory(store);
  const enforcer = new ModerationEnforcer({
    store,
    clock,
    hub: cluster,
    chats,
    matches,
    directory,
    relay: { forgetClient: () => {}, dropBlock: () => {} },
    appealWindowMs: policy.appealWindowMs,
  });
  const desk = createModerationDesk({ store, clock, policy, standing, enforcer });
  const reports = new ReportService({
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
  });
  const accounts = hasher && new AccountService({ store, hasher, clock, limiter, standing });
  const appeals =
    accounts &&
    new AppealService({ store, clock, accounts, standing, appealWindowMs: policy.appealWindowMs });

  let n = 0;
  /** A user straight in the store (the rules do not need sign-up's argon2). */
  async function user(age: number, secret_hash = 'unused'): Promise<string> {
    const user_hash = randomBytes(32).toString('hex');
    const name = `u${++n}_${user_hash.slice(0, 6)}`;
    await store.createUser({
      user_hash,
      username: name,
      username_key: name,
      secret_hash,
      age_at_signup: age,
      created_at: clock.now(),
      last_seen_day: null,
      secret_kind: 'authenticator',
      legacy_secret: false,
      identity_key: null,
    });
    return user_hash;
  }

  /**
   * A message as the relay franks it: `cf` from @omechat/crypto over a fresh `kf`, `rf` and `kid`
   * from the server's tagger with the authenticated sender and recipient, and the server's `ts`.
   */
  async function sent(from: string, to: string, text: string): Promise<RevealedMessage> {
    await tagger.rotate();
    const kf = newFrankingKey();
    const body = JSON.stringify({ v: 1, t: 'text', text });
    const cf = frankingCommitment(kf, body);
    const msg_id = randomBytes(16).toString('hex');
    const ts = clock.now();
    return { msg_id, ts, kid: tagger.kid, body, kf, cf, rf: tagger.tag(cf, from, to, msg_id, ts) };
  }

  return {
    store,
    clock,
    policy,
    hub,
    windows,
    standing,
    chats,
    tagger,
    matches,
    enforcer,
    desk,
    reports,
    accounts,
    appeals,
    user,
    sent,
  };
}

export type ModerationHarness = Awaited<ReturnType<typeof moderationHarness>>;
