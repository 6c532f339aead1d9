// Over 400 lines on purpose: one contract suite (moderation rules every store must keep), run on
// SQLite and PostgreSQL; its cases share the fixtures at its top.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OmeChatError, ReportReason } from '@omechat/protocol';
import type { Actor } from '../core/moderation/audit-log.js';
import { Argon2SecretHasher, OWASP_ARGON2ID } from '../hashing/argon2-secret-hasher.js';
import type { Store } from '../ports/store.js';
import {
  DAY,
  HOUR,
  code,
  manualClock,
  moderationHarness,
  type ModerationHarness,
} from './moderation-harness.js';

type Opened = { store: Store; reopen(): Promise<Store>; cleanup(): Promise<void> };

const MOD: Actor = { kind: 'moderator', name: 'mod_anna' };
const STATEMENT = 'Reviewed the verified messages: they break the rule.';

/**
 * The MLBS rules (docs/moderation.md) run through the real core on a real store: immediate and
 * threshold restrictions, reporter caps, the escalation ladder, expiry, retention, appeals, and
 * persistence across a restart. Every adapter runs it (SQLite in `npm test`, PostgreSQL in
 * `npm run test:services`).
 */
export function describeModerationRules(name: string, open: () => Promise<Opened>) {
  describe(`moderation rules: ${name}`, () => {
    let db: Opened;
    let h: ModerationHarness;
    let clock: ReturnType<typeof manualClock>;
    beforeEach(async () => {
      db = await open();
      clock = manualClock();
      h = await moderationHarness(db.store, clock, { reportsPerDay: 3 });
    });
    afterEach(async () => {
      await db.cleanup();
    });

    /** `reporter` and `reported` in a chat in which `reported` sent `n` messages. */
    async function chatWith(reporter: string, reported: string, n = 2) {
      const chat = await h.chats.create(reporter, reported, 'match');
      const messages = [];
      for (let i = 0; i < n; i++) {
        messages.push(await h.sent(reported, reporter, `message ${i} to you`));
        clock.advance(1000);
      }
      return { chat_id: chat.chat_id, messages };
    }
    const report = (
      reporter: string,
      chat: { chat_id: string; messages: unknown[] },
      reason: ReportReason = 'harassment',
    ) =>
      h.reports.submit(
        { user_hash: reporter, client_hash: 'c'.repeat(64) },
        { chat_id: chat.chat_id, reason, messages: chat.messages as never },
      );

    it('stores verified evidence, blocks the pair and ends the chat; a forged message stores nothing', async () => {
      const [a, b] = [await h.user(15), await h.user(15)];
      const c = await chatWith(a, b);
      const forged = {
        ...c,
        messages: [
          c.messages[0],
          { ...(c.messages[1] as object), body: '{"v":1,"t":"text","text":"edited"}' },
        ],
      };
      expect(await code(report(a, forged))).toBe('REPORT_INVALID');
      expect(await h.store.moderation.listReports({ status: 'open', limit: 10 })).toEqual([]);
      expect(h.matches.isBlocked(a, b)).toBe(false);

      const receipt = await report(a, c);
      expect(receipt).toMatchObject({ messages: 2, blocked: true });
      const stored = await h.store.moderation.getReport(receipt.report_id);
      expect(stored).toMatchObject({
        reporter: a,
        reported: b,
        reason: 'harassment',
        status: 'open',
        reporter_band: 'minor-young',
      });
      expect((await h.store.moderation.listEvidence(receipt.report_id)).map((e) => e.body)).toEqual(
        (c.messages as { body: string }[]).map((m) => m.body),
      );
      expect(h.matches.isBlocked(a, b)).toBe(true);
      expect(await h.chats.get(c.chat_id)).toBeNull();
      // One harassment report restricts nobody.
      expect((await h.standing.inForce(b)).restriction).toBeNull();
    });

    it.each(['age_lie', 'sexual_content_minor'] as const)(
      'restricts at once for %s: out of queue and browse, no new chats, open chats ended',
      async (reason) => {
        const [kid, adult, other] = [await h.user(15), await h.user(15), await h.user(15)];
        const side = await h.chats.create(adult, other, 'match');
        const c = await chatWith(kid, adult);
        await report(kid, c, reason);
        const { restriction } = await h.standing.inForce(adult);
        expect(restriction).toMatchObject({
          kind: 'restriction',
          automated: true,
          ends_at: null,
          decided_by: 'system',
        });
        const view = await h.standing.view(restriction!);
        expect(view.statement).toMatchObject({
          decision: 'restriction',
          duration: 'until_review',
          triggered_by_report: true,
          automated_decision: true,
          automated_detection: false,
          rule: reason,
        });
        expect(view.statement.redress).toContain(view.appeal_id);
        expect(await h.chats.get(side.chat_id)).toBeNull();
        const who = { user_hash: adult, client_hash: 'c'.repeat(64) };
        expect(await code(h.matches.join(who, 2))).toBe('ACCOUNT_RESTRICTED');
        expect(
          await code(h.matches.setAvailability(who, { type: 'availability', open: true, tolerance: 2 })),
        ).toBe('ACCOUNT_RESTRICTED');
        expect(await code(h.matches.browse(who, { type: 'browse', tolerance: 2, limit: 5 }))).toBe(
          'ACCOUNT_RESTRICTED',
        );
        const err = await h.matches.join(who, 2).catch((e: OmeChatError) => e);
        expect((err as OmeChatError).sanction?.strike_id).toBe(restriction!.strike_id);
        // Restricted is not banned: signing in still works.
        await h.standing.assertNotBanned(adult);
      },
    );

    it('restricts any account reported by N distinct people within the window, not by fewer or slower', async () => {
      const target = await h.user(40);
      const reporters = [await h.user(40), await h.user(40), await h.user(40)];
      await report(reporters[0]!, await chatWith(reporters[0]!, target));
      // The same person twice counts once.
      await report(reporters[0]!, await chatWith(reporters[0]!, target));
      await report(reporters[1]!, await chatWith(reporters[1]!, target), 'spam');
      expect((await h.standing.inForce(target)).restriction).toBeNull();
      await report(reporters[2]!, await chatWith(reporters[2]!, target), 'hate');
      const { restriction } = await h.standing.inForce(target);
      expect(restriction).toMatchObject({ automated: true, reason: 'harassment' });
      expect((await h.standing.view(restriction!)).statement.facts).toContain('3 different people');

      const slow = await h.user(40);
      for (const r of [await h.user(40), await h.user(40), await h.user(40)]) {
        await report(r, await chatWith(r, slow));
        clock.advance(13 * HOUR);
      }
      expect((await h.standing.inForce(slow)).restriction).toBeNull();
    });

    it('caps reports per reporter per day (typed, with retry_after) and takes each chat once', async () => {
      const me = await h.user(20);
      const chats = [];
      for (let i = 0; i < 4; i++) chats.push({ chat: await chatWith(me, await h.user(20)) });
      for (const { chat } of chats.slice(0, 3)) await report(me, chat);
      expect(await code(report(me, chats[0]!.chat))).toBe('REPORT_DUPLICATE');
      const capped = await report(me, chats[3]!.chat).catch((e: OmeChatError) => e);
      expect(capped).toMatchObject({ code: 'REPORT_LIMIT_REACHED' });
      expect((capped as OmeChatError).retryAfterSeconds).toBeGreaterThan(23 * 3600);
      clock.advance((capped as OmeChatError).retryAfterSeconds! * 1000);
      expect((await report(me, chats[3]!.chat)).messages).toBe(2);
    });

    it('bounds report attempts, valid or not, per account per hour', async () => {
      h = await moderationHarness(h.store, clock, { reportAttemptsPerHour: 2 });
      const me = await h.user(20);
      const chat = await chatWith(me, await h.user(20));
      const bad = { ...chat, messages: [{ ...(chat.messages[0] as object), kf: 'A'.repeat(43) + '=' }] };
      expect(await code(report(me, bad))).toBe('REPORT_INVALID');
      expect(await code(report(me, bad))).toBe('REPORT_INVALID');
      expect(await code(report(me, chat))).toBe('RATE_LIMITED');
      clock.advance(HOUR);
      expect((await report(me, chat)).messages).toBe(2);
    });

    it('escalates bans 24h, 7d, 30d, permanent; permanent at once for sexual_content_minor; timed bans expire', async () => {
      const u = await h.user(30);
      const seen: (number | null)[] = [];
      for (const step of ['24h', '7d', '30d', 'permanent']) {
        const strike = await h.desk.moderation.ban(MOD, u, { rule: 'harassment', statement: STATEMENT });
        seen.push(strike.ends_at === null ? null : strike.ends_at - strike.created_at);
        expect(strike.statement.duration).toBe(step);
        expect(await code(h.standing.assertNotBanned(u))).toBe('ACCOUNT_BANNED');
        if (strike.ends_at === null) break;
        clock.advance(strike.ends_at - clock.now() - 1);
        expect(await code(h.standing.assertNotBanned(u))).toBe('ACCOUNT_BANNED');
        clock.advance(1);
        await h.standing.assertNotBanned(u); // expired by itself
        expect((await h.standing.standing(u)).strikes[0]!.status).toBe('expired');
      }
      expect(seen).toEqual([DAY, 7 * DAY, 30 * DAY, null]);

      const abuser = await h.user(30);
      const asked = await h.desk.moderation.ban(MOD, abuser, {
        rule: 'sexual_content_minor',
        statement: STATEMENT,
        duration: '24h',
      });
      expect(asked).toMatchObject({ ends_at: null, statement: { duration: 'permanent' } });

      // An overruled ban does not count towards the ladder.
      const v = await h.user(30);
      const first = await h.desk.moderation.ban(MOD, v, { rule: 'spam', statement: STATEMENT });
      await h.desk.strikes.lift(first.strike_id, 'overruled');
      await h.standing.assertNotBanned(v);
      expect(
        (await h.desk.moderation.ban(MOD, v, { rule: 'spam', statement: STATEMENT })).statement.duration,
      ).toBe('24h');
    });

    it('lifts an automatic restriction on dismissal once no report is open; a ban supersedes it; all audited', async () => {
      const [kid, x] = [await h.user(14), await h.user(14)];
      const r1 = await report(kid, await chatWith(kid, x), 'age_lie');
      const kid2 = await h.user(14);
      const r2 = await report(kid2, await chatWith(kid2, x), 'age_lie');
      await h.desk.moderation.resolveReport(MOD, r1.report_id, { action: 'dismiss', statement: STATEMENT });
      expect((await h.standing.inForce(x)).restriction).not.toBeNull(); // r2 is still open
      await h.desk.moderation.resolveReport(MOD, r2.report_id, { action: 'dismiss', statement: STATEMENT });
      expect((await h.standing.inForce(x)).restriction).toBeNull();
      expect(
        await code(
          h.desk.moderation.resolveReport(MOD, r2.report_id, { action: 'warn', statement: STATEMENT }),
        ),
      ).toBe('ALREADY_DECIDED');

      const y = await h.user(14);
      const kid3 = await h.user(14);
      const r3 = await report(kid3, await chatWith(kid3, y), 'age_lie');
      const { strike } = await h.desk.moderation.resolveReport(MOD, r3.report_id, {
        action: 'ban',
        statement: STATEMENT,
      });
      expect(strike).toMatchObject({
        kind: 'ban',
        reason: 'age_lie',
        statement: { duration: '24h', automated_decision: false },
      });
      const held = await h.standing.inForce(y);
      expect(held.restriction).toBeNull();
      expect(held.ban?.strike_id).toBe(strike!.strike_id);
      expect((await h.store.moderation.getReport(r3.report_id))?.strike_id).toBe(strike!.strike_id);

      const audit = await h.desk.moderation.listAudit({ limit: 50 });
      const actions = audit.map((e) => `${e.actor}:${e.action}`);
      expect(actions).toEqual(
        expect.arrayContaining([
          'system:account.restrict.automatic',
          'mod_anna:report.dismiss',
          'mod_anna:account.restriction.lift',
          'mod_anna:report.ban',
          'mod_anna:account.ban',
        ]),
      );
      expect(audit.find((e) => e.action === 'report.ban')?.reason).toBe(STATEMENT);
    });

    it('takes reports after the chat ended only within the window, only from its members, only of its messages', async () => {
      const [a, b, c] = [await h.user(17), await h.user(17), await h.user(17)];
      const old = await chatWith(a, b, 1);
      await h.chats.end(old.chat_id, 'left');
      const chat = await chatWith(a, b);
      await h.chats.end(chat.chat_id, 'next');
      clock.advance(6 * DAY);
      // A tag of the earlier chat with the same partner does not pass as this chat's.
      const replay = { ...chat, messages: [...chat.messages, ...old.messages] };
      const err = await report(a, replay).catch((e: OmeChatError) => e);
      expect(err).toMatchObject({
        code: 'REPORT_INVALID',
        issues: [{ path: 'messages.2', problem: 'not_in_this_chat' }],
      });
      expect(await code(report(c, chat))).toBe('CHAT_NOT_FOUND');
      expect((await report(a, chat)).messages).toBe(2);

      const late = await chatWith(c, b);
      await h.chats.end(late.chat_id, 'left');
      clock.advance(8 * DAY);
      expect(await code(report(c, late))).toBe('CHAT_NOT_FOUND');
    });

    it('deletes evidence after the retention windows; reports nobody resolved close as expired', async () => {
      const [a, b, c, d] = [await h.user(15), await h.user(15), await h.user(15), await h.user(15)];
      const unresolved = await report(a, await chatWith(a, b), 'age_lie');
      const resolved = await report(c, await chatWith(c, d));
      await h.desk.moderation.resolveReport(MOD, resolved.report_id, {
        action: 'warn',
        statement: STATEMENT,
      });
      clock.advance(h.policy.resolvedEvidenceMs);
      expect(await h.desk.moderation.sweepRetention()).toMatchObject({ expired: 0, purged: 1 });
      expect(await h.store.moderation.listEvidence(resolved.report_id)).toEqual([]);
      const decision = await h.store.moderation.getReport(resolved.report_id);
      expect(decision).toMatchObject({ reporter: null, reported: null, resolution: 'warn', purged: true });
      expect((await h.store.moderation.listEvidence(unresolved.report_id)).length).toBe(2);

      clock.advance(h.policy.unresolvedEvidenceMs);
      expect(await h.desk.moderation.sweepRetention()).toMatchObject({ expired: 1, purged: 1 });
      expect(await h.store.moderation.getReport(unresolved.report_id)).toMatchObject({
        status: 'resolved',
        resolution: 'expired',
        purged: true,
      });
      // Nothing is left to review the automatic restriction against.
      expect((await h.standing.inForce(b)).restriction).toBeNull();
      expect((await h.desk.moderation.showReport(unresolved.report_id)).evidence).toBeNull();
    });

    it('keeps reports, strikes, report windows, franking keys and caps across a restart', async () => {
      const [a, b, c] = [await h.user(16), await h.user(16), await h.user(16)];
      const first = await chatWith(a, b);
      const r1 = await report(a, first, 'age_lie');
      const ended = await chatWith(c, b);
      await h.chats.end(ended.chat_id, 'left');
      await h.desk.moderators.add({ kind: 'operator', name: 'operator' }, 'mod_anna');
      const extra = [];
      for (let i = 0; i < 2; i++) extra.push(await chatWith(a, await h.user(16)));
      await report(a, extra[0]!);
      await report(a, extra[1]!); // a has now reached the cap of 3

      h = await moderationHarness(await db.reopen(), clock, { reportsPerDay: 3 });
      expect((await h.store.moderation.listEvidence(r1.report_id)).length).toBe(2);
      expect((await h.standing.inForce(b)).restriction).not.toBeNull();
      expect(await h.desk.moderators.list()).toEqual([expect.objectContaining({ name: 'mod_anna' })]);
      expect(await code(report(a, first))).toBe('REPORT_DUPLICATE');
      expect(await code(report(a, await chatWith(a, await h.user(16))))).toBe('REPORT_LIMIT_REACHED');

      clock.advance(2 * DAY); // the franking key rotated meanwhile
      h = await moderationHarness(await db.reopen(), clock, { reportsPerDay: 3 });
      expect(h.tagger.kid).not.toBe((ended.messages[0] as { kid: number }).kid);
      expect(h.tagger.keyFor(String((ended.messages[0] as { kid: number }).kid))).toBeUndefined();
      // c reports the chat that ended before the restarts, verified with the previous key from the store.
      expect((await report(c, ended, 'harassment')).messages).toBe(2);
    });

    it('bans: sign-in answers ACCOUNT_BANNED with the statement; appeals within six months, once, decided by a person', async () => {
      const hasher = new Argon2SecretHasher(OWASP_ARGON2ID, 2);
      h = await moderationHarness(h.store, clock, {}, hasher);
      const secret = 'S'.repeat(64);
      const u = await h.user(30, await hasher.hash(secret));
      const username = (await h.store.getUser(u))!.username;
      const strike = await h.desk.moderation.ban(MOD, u, {
        rule: 'hate',
        statement: STATEMENT,
        duration: '30d',
      });

      const banned = await h
        .accounts!.addClient({ username, authenticator: secret }, 'net')
        .catch((e: OmeChatError) => e);
      expect(banned).toMatchObject({ code: 'ACCOUNT_BANNED' });
      expect((banned as OmeChatError).toBody().sanction).toMatchObject({
        reason: 'hate',
        ends_at: strike.ends_at,
        appeal_id: strike.appeal_id,
        statement: { facts: STATEMENT, decision: 'ban', automated_decision: false },
      });
      expect(await h.store.listClients(u)).toEqual([]);

      const appeal = {
        username,
        authenticator: secret,
        appeal_id: strike.appeal_id,
        text: 'I was quoting someone else.',
      };
      expect(await code(h.appeals!.appeal({ ...appeal, authenticator: 'x'.repeat(64) }, 'net'))).toBe(
        'INVALID_CREDENTIALS',
      );
      expect(await h.appeals!.appeal(appeal, 'net')).toMatchObject({ status: 'open', decision_reason: null });
      expect(await code(h.appeals!.appeal(appeal, 'net'))).toBe('APPEAL_EXISTS');
      const other = await h.user(30);
      const otherStrike = await h.desk.moderation.ban(MOD, other, { rule: 'spam', statement: STATEMENT });
      expect(await code(h.appeals!.appeal({ ...appeal, appeal_id: otherStrike.appeal_id }, 'net'))).toBe(
        'NOT_FOUND',
      );

      expect(
        await code(
          h.desk.moderation.decideAppeal({ kind: 'operator', name: 'operator' }, strike.appeal_id, {
            decision: 'overrule',
            reason: STATEMENT,
          }),
        ),
      ).toBe('FORBIDDEN');
      const decided = await h.desk.moderation.decideAppeal(MOD, strike.appeal_id, {
        decision: 'overrule',
        reason: 'The messages quote another person; no violation.',
      });
      expect(decided).toMatchObject({
        status: 'overruled',
        decided_by: 'mod_anna',
        strike: { status: 'overruled' },
      });
      const standing = await h.appeals!.standing({ username, authenticator: secret }, 'net');
      expect(standing.banned).toBeNull();
      expect(standing.strikes[0]).toMatchObject({
        status: 'overruled',
        appeal: { status: 'overruled', decision_reason: 'The messages quote another person; no violation.' },
      });
      expect((await h.accounts!.addClient({ username, authenticator: secret }, 'net')).user_hash).toBe(u);

      const late = await h.desk.moderation.ban(MOD, u, { rule: 'hate', statement: STATEMENT });
      clock.advance(h.policy.appealWindowMs + 1);
      expect(await code(h.appeals!.appeal({ ...appeal, appeal_id: late.appeal_id }, 'net'))).toBe(
        'APPEAL_WINDOW_CLOSED',
      );
    });
  });
}
