import { createHmac, randomBytes } from 'node:crypto';
import {
  OmeChatError,
  type ClientFrameOf,
  type PartnerInfo,
  type ServerFrame,
  type ServerFrameOf,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';
import type { AccountStore, BlockStore, ServerKeyStore } from '../../ports/store.js';
import type { Principal } from '../accounts/account-service.js';
import type { Probation } from '../accounts/probation.js';
import type { BehaviourLimits } from '../behaviour/behaviour-limits.js';
import type { ChatService } from '../chats/chat-service.js';
import type { ClusterHub } from '../cluster/cluster-hub.js';
import { currentAge, mayMeet } from './atss.js';
import { pickRandomCompatible } from './browse-picker.js';
import type { MatchQueue } from '../../ports/match-queue.js';
import type { Invitation, MatchBoard } from '../../ports/match-board.js';
import { LocalMatchBoard } from './local-match-board.js';
import { LocalMatchQueue } from './local-match-queue.js';
import type { MatchingQueueOptions } from './matching-queue.js';

export interface MatchServiceDeps {
  store: AccountStore & BlockStore & ServerKeyStore;
  chats: ChatService;
  /** Frames and presence across nodes; a blocked pair is announced to the other nodes. */
  hub: Pick<ClusterHub, 'sendToUser' | 'isOnline' | 'invalidate' | 'events'>;
  clock: Clock;
  limiter: RateLimiter;
  skipCooldownMs?: number;
  /** Moderation: throws ACCOUNT_RESTRICTED / ACCOUNT_BANNED for users who may not meet anyone new. */
  standing?: { assertMayMeet(user_hash: string): Promise<void> };
  /** MLBS re-entry layer: accounts on probation use the queue only (and meet only each other if set). */
  probation?: Pick<Probation, 'isOnProbation' | 'assertTrusted' | 'policy'>;
  /** MLBS behaviour layer: skip, invitation and browse limits, and the rapid-skip cooldown. */
  behaviour?: BehaviourLimits;
  /** Ended chats a member may still report (and so block) for a while: moderation's report windows. */
  endedChats?: { find(chat_id: string, member: string): Promise<{ partner: string } | null> };
  invitationTtlMs?: number;
  browsesPerMinute?: number;
  random?: () => number;
  /** The queue: this node's memory by default, or shared by all nodes (RedisMatchQueue). */
  queue?: (opts: MatchingQueueOptions) => MatchQueue;
  /** Who is open to browse, and invitations: this node's memory by default, or shared (Redis). */
  board?: MatchBoard;
}

/** Open users looked at per browse: a bound on the work one browse can cause. */
const BROWSE_SAMPLE = 1000;

/**
 * Matching (DESIGN §6) on top of the ATSS: the "find a stranger" queue, next/leave, browse and
 * invitations, and the MLBS pair layer (blocked pairs stored only as keyed hashes).
 */
export class MatchService {
  readonly queue: MatchQueue;
  private pairKey: Buffer | undefined;
  private readonly blocked = new Set<string>();
  /** Users open to browse/invitations (with the tolerance they accept) and invitations in flight. */
  private readonly board: MatchBoard;
  private readonly ages = new Map<string, { age_at_signup: number; created_at: number }>();
  private readonly random: () => number;

  constructor(private readonly deps: MatchServiceDeps) {
    this.random = deps.random ?? Math.random;
    this.board = deps.board ?? new LocalMatchBoard(() => deps.clock.now());
    const opts: MatchingQueueOptions = {
      now: () => deps.clock.now(),
      isBlocked: (a, b) => this.isBlocked(a, b),
      skipCooldownMs: deps.skipCooldownMs ?? 10 * 60_000,
    };
    this.queue = deps.queue?.(opts) ?? new LocalMatchQueue(opts);
    deps.hub.events.on('invalidated', ({ cache, key }) => {
      if (cache === 'blocked-pair') this.blocked.add(key);
    });
    deps.chats.events.on('ended', ({ chat, reason }) => {
      // Sent before the next join on the same connection, so that join already sees it.
      if (reason === 'next') void this.queue.recordSkip(chat.user_a, chat.user_b).catch(() => undefined);
    });
  }

  async init(): Promise<void> {
    const hex = await this.deps.store.getOrCreateServerKey(
      'pair',
      1,
      randomBytes(32).toString('hex'),
      this.deps.clock.now(),
    );
    this.pairKey = Buffer.from(hex, 'hex');
    for (const h of await this.deps.store.listBlockedPairs()) this.blocked.add(h);
  }

  isBlocked(a: string, b: string): boolean {
    return this.blocked.has(this.pairHash(a, b));
  }

  /**
   * The queue is for people without a chat: joining while in one is refused (ALREADY_IN_CHAT), so a
   * pair cannot pile up chats by joining again and again. `next` ends the chat and joins in one step.
   */
  async join(principal: Principal, tolerance: number, ref?: string): Promise<ServerFrame> {
    if ((await this.deps.chats.partnersOf(principal.user_hash)).length > 0)
      throw new OmeChatError('ALREADY_IN_CHAT');
    this.deps.behaviour?.assertNoCooldown(principal.user_hash);
    await this.deps.standing?.assertMayMeet(principal.user_hash);
    const age = await this.ageOf(principal.user_hash);
    const m = await this.queue.join({
      user_hash: principal.user_hash,
      client_hash: principal.client_hash,
      age,
      tolerance,
      newcomer: await this.isNewcomer(principal.user_hash),
    });
    if (!m) return { type: 'match.waiting', ref };
    await this.deps.chats.create(m.a.user_hash, m.b.user_hash, 'match');
    return { type: 'ok', ref };
  }

  async cancel(principal: Principal, ref?: string): Promise<ServerFrameOf<'match.cancelled'>> {
    await this.queue.leave(principal.user_hash);
    return { type: 'match.cancelled', ref };
  }

  async next(principal: Principal, frame: ClientFrameOf<'match.next'>): Promise<ServerFrame> {
    await this.deps.chats.requireMember(frame.chat_id, principal.user_hash);
    // Refused before the chat ends when another chat would keep the user out of the queue anyway.
    const others = await this.deps.chats.partnersOf(principal.user_hash);
    if (others.some((c) => c.chat_id !== frame.chat_id)) throw new OmeChatError('ALREADY_IN_CHAT');
    await this.deps.behaviour?.admitSkip(principal.user_hash);
    await this.deps.chats.end(frame.chat_id, 'next');
    // Rapid skipping: this chat has ended, but the user is not queued until the cooldown is over.
    await this.deps.behaviour?.countedSkip(principal.user_hash);
    return this.join(principal, frame.tolerance, frame.ref);
  }

  async leave(principal: Principal, chat_id: string, ref?: string): Promise<ServerFrame> {
    await this.deps.chats.requireMember(chat_id, principal.user_hash);
    await this.deps.chats.end(chat_id, 'left');
    return { type: 'ok', ref };
  }

  /**
   * Blocks the partner of a chat. An ended chat can be blocked too, within its report window (a
   * person harassed and left behind must still be able to block): only the pair is blocked then.
   */
  async block(principal: Principal, chat_id: string, ref?: string): Promise<ServerFrame> {
    const open = await this.deps.chats.get(chat_id);
    if (!open || (open.user_a !== principal.user_hash && open.user_b !== principal.user_hash)) {
      const ended = await this.deps.endedChats?.find(chat_id, principal.user_hash);
      if (!ended) throw new OmeChatError('NOT_IN_CHAT');
      await this.blockPair(principal.user_hash, ended.partner);
      return { type: 'ok', ref };
    }
    const { partner } = await this.deps.chats.requireMember(chat_id, principal.user_hash);
    await this.blockPair(principal.user_hash, partner);
    await this.deps.chats.end(chat_id, 'blocked');
    return { type: 'ok', ref };
  }

  /** Blocks a pair whether or not they share a chat now (a report blocks after the chat ended too). */
  async blockPair(a: string, b: string): Promise<void> {
    const h = this.pairHash(a, b);
    this.blocked.add(h);
    await this.deps.store.addBlockedPair(h, this.deps.clock.now());
    this.deps.hub.invalidate('blocked-pair', h);
  }

  async setAvailability(principal: Principal, frame: ClientFrameOf<'availability'>): Promise<ServerFrame> {
    if (frame.open) await this.deps.standing?.assertMayMeet(principal.user_hash);
    // Being open means being browsed and invited, which probation does not allow either.
    if (frame.open) await this.deps.probation?.assertTrusted(principal.user_hash);
    if (frame.open) await this.board.setOpen(principal.user_hash, frame.tolerance);
    else await this.board.setClosed(principal.user_hash);
    return { type: 'ok', ref: frame.ref };
  }

  async browse(
    principal: Principal,
    frame: ClientFrameOf<'browse'>,
  ): Promise<ServerFrameOf<'browse.result'>> {
    if (this.deps.behaviour) await this.deps.behaviour.admitBrowse(principal.user_hash);
    else {
      const rl = await this.deps.limiter.hit(
        `browse:${principal.user_hash}`,
        this.deps.browsesPerMinute ?? 20,
        60_000,
      );
      if (!rl.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: rl.retryAfterSeconds });
    }
    await this.deps.standing?.assertMayMeet(principal.user_hash);
    await this.deps.probation?.assertTrusted(principal.user_hash);
    const me = {
      user_hash: principal.user_hash,
      age: await this.ageOf(principal.user_hash),
      tolerance: frame.tolerance,
    };
    const candidates: { user_hash: string; age: number; tolerance: number }[] = [];
    for (const { user_hash, tolerance } of await this.board.sampleOpen(BROWSE_SAMPLE)) {
      if (user_hash === me.user_hash) continue;
      if (!(await this.deps.hub.isOnline(user_hash))) {
        // Left without a goodbye (its node died): no longer open.
        await this.board.setClosed(user_hash);
        continue;
      }
      candidates.push({ user_hash, age: await this.ageOf(user_hash), tolerance });
    }
    const picked = pickRandomCompatible(candidates, me, frame.limit, this.random, (a, b) =>
      this.isBlocked(a, b),
    );
    const people: PartnerInfo[] = [];
    for (const p of picked) {
      const info = await this.deps.chats.partnerInfo(p.user_hash);
      if (info) people.push(info);
    }
    return { type: 'browse.result', ref: frame.ref, people };
  }

  async invite(principal: Principal, frame: ClientFrameOf<'invite'>): Promise<ServerFrameOf<'invite.sent'>> {
    await this.deps.probation?.assertTrusted(principal.user_hash);
    const theirTolerance = await this.board.toleranceOf(frame.user_hash);
    // One answer for every refusal, so an invitation cannot probe ages or block lists.
    const refuse = () =>
      new OmeChatError('NOT_FOUND', { message: 'This person is not available for an invitation.' });
    if (
      theirTolerance === undefined ||
      !(await this.deps.hub.isOnline(frame.user_hash)) ||
      frame.user_hash === principal.user_hash
    )
      throw refuse();
    const a = { age: await this.ageOf(principal.user_hash), tolerance: frame.tolerance };
    const b = { age: await this.ageOf(frame.user_hash), tolerance: theirTolerance };
    if (!mayMeet(a, b) || this.isBlocked(principal.user_hash, frame.user_hash)) throw refuse();
    await this.deps.standing?.assertMayMeet(principal.user_hash);
    await this.deps.standing?.assertMayMeet(frame.user_hash).catch(() => {
      throw refuse();
    });
    if (await this.deps.probation?.isOnProbation(frame.user_hash)) throw refuse();
    if (await this.deps.chats.sharesChat(principal.user_hash, frame.user_hash))
      throw new OmeChatError('ALREADY_IN_CHAT');
    const rl = await this.deps.limiter.hit(`invite:${principal.user_hash}`, 10, 60_000);
    if (!rl.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: rl.retryAfterSeconds });
    await this.deps.behaviour?.admitInvitation(principal.user_hash);
    const inv: Invitation = {
      id: randomBytes(16).toString('hex'),
      from: principal.user_hash,
      to: frame.user_hash,
      tolerance: frame.tolerance,
      expiresAt: this.deps.clock.now() + (this.deps.invitationTtlMs ?? 120_000),
    };
    await this.board.putInvitation(inv);
    const from = await this.deps.chats.partnerInfo(principal.user_hash);
    if (from)
      this.deps.hub.sendToUser(frame.user_hash, { type: 'invite.received', invitation_id: inv.id, from });
    return { type: 'invite.sent', ref: frame.ref, invitation_id: inv.id };
  }

  async answer(principal: Principal, frame: ClientFrameOf<'invite.answer'>): Promise<ServerFrame> {
    const inv = await this.board.takeInvitation(frame.invitation_id);
    if (!inv || inv.to !== principal.user_hash || inv.expiresAt < this.deps.clock.now()) {
      // Someone else's invitation stays for its addressee.
      if (inv && inv.to !== principal.user_hash) await this.board.putInvitation(inv);
      throw new OmeChatError('INVITATION_NOT_FOUND');
    }
    if (!frame.accept) {
      this.deps.hub.sendToUser(inv.from, { type: 'invite.declined', invitation_id: inv.id });
      return { type: 'ok', ref: frame.ref };
    }
    await this.deps.probation?.assertTrusted(principal.user_hash);
    // Re-check at acceptance: a block or birthday may have happened since.
    const a = { age: await this.ageOf(inv.from), tolerance: inv.tolerance };
    const b = { age: await this.ageOf(inv.to), tolerance: (await this.board.toleranceOf(inv.to)) ?? 5 };
    if (!mayMeet(a, b) || this.isBlocked(inv.from, inv.to)) throw new OmeChatError('INVITATION_NOT_FOUND');
    await this.deps.standing?.assertMayMeet(inv.to);
    await this.deps.standing?.assertMayMeet(inv.from).catch(() => {
      throw new OmeChatError('INVITATION_NOT_FOUND');
    });
    // A chat ends the search of both: nobody waits in the queue while in a chat.
    await this.queue.leave(inv.from);
    await this.queue.leave(inv.to);
    await this.deps.chats.create(inv.from, inv.to, 'invitation');
    return { type: 'ok', ref: frame.ref };
  }

  /** Pairs that became matchable by time alone (a skip cooldown ran out). Call periodically. */
  async sweep(): Promise<number> {
    const matches = await this.queue.sweep();
    for (const m of matches) await this.deps.chats.create(m.a.user_hash, m.b.user_hash, 'match');
    return matches.length;
  }

  /**
   * A user's last connection (on this node, with `joinedHere`) closed, or moderation took them out:
   * they no longer wait or show up in browse lists.
   */
  async userOffline(user_hash: string, opts: { joinedHere?: boolean } = {}): Promise<void> {
    await this.queue.leave(user_hash, opts);
    // Still connected to another node: still open there.
    if (!opts.joinedHere || !(await this.deps.hub.isOnline(user_hash))) await this.board.setClosed(user_hash);
  }

  async forgetUser(user_hash: string): Promise<void> {
    this.ages.delete(user_hash);
    await this.userOffline(user_hash);
  }

  /** On probation and kept to the newcomers' pool (PROBATION_SEPARATE_POOL). */
  private async isNewcomer(user_hash: string): Promise<boolean> {
    const p = this.deps.probation;
    return p !== undefined && p.policy.separatePool && (await p.isOnProbation(user_hash));
  }

  private async ageOf(user_hash: string): Promise<number> {
    let a = this.ages.get(user_hash);
    if (!a) {
      const u = await this.deps.store.getUser(user_hash);
      if (!u) throw new OmeChatError('UNAUTHENTICATED');
      a = { age_at_signup: u.age_at_signup, created_at: u.created_at };
      if (this.ages.size > 200_000) this.ages.clear();
      this.ages.set(user_hash, a);
    }
    return currentAge(a.age_at_signup, a.created_at, this.deps.clock.now());
  }

  private pairHash(a: string, b: string): string {
    if (!this.pairKey) throw new Error('MatchService.init() was not called');
    const [x, y] = a < b ? [a, b] : [b, a];
    return createHmac('sha256', this.pairKey).update(`${x}|${y}`).digest('hex');
  }
}
