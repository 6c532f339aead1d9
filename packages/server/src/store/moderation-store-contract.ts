import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceRecord, ReportRecord, Store, StrikeRecord } from '../ports/store.js';

/**
 * The contract of `store.moderation` (ports/moderation-store.ts) that every adapter passes, on real
 * storage. The rules built on it are tested in moderation-rules-contract.ts.
 */
export function describeModerationStoreContract(
  name: string,
  open: () => Promise<{ store: Store; cleanup(): Promise<void> }>,
) {
  describe(`ModerationStore contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const hex = (n = 32) => randomBytes(n).toString('hex');
    const report = (over: Partial<ReportRecord> = {}): ReportRecord => ({
      report_id: hex(16),
      dedupe: hex(),
      reporter: 'r'.repeat(64),
      reported: 'x'.repeat(64),
      reporter_band: 'minor-young',
      reason: 'harassment',
      severity: 3,
      note: 'note',
      created_at: 1000,
      status: 'open',
      resolution: null,
      resolved_at: null,
      resolved_by: null,
      strike_id: null,
      evidence_expires_at: 100_000,
      purged: false,
      ...over,
    });
    const evidence = (report_id: string, seq: number): EvidenceRecord => ({
      report_id,
      seq,
      msg_id: hex(16),
      ts: 900 + seq,
      kid: 7,
      body: `{"v":1,"t":"text","text":"m${seq}"}`,
      kf: 'a'.repeat(43) + '=',
      cf: 'b'.repeat(43) + '=',
      rf: 'c'.repeat(43) + '=',
    });
    async function user(user_hash = hex()) {
      await store.createUser({
        user_hash,
        username: user_hash.slice(0, 8),
        username_key: user_hash.slice(0, 8),
        secret_hash: 'h',
        secret_kind: 'authenticator' as const,
        legacy_secret: false,
        identity_key: null,
        age_at_signup: 30,
        created_at: 1,
        last_seen_day: null,
      });
      return user_hash;
    }
    const strike = (user_hash: string, over: Partial<StrikeRecord> = {}): StrikeRecord => ({
      strike_id: hex(16),
      appeal_id: hex(16),
      user_hash,
      kind: 'ban',
      reason: 'spam',
      automated: false,
      report_id: null,
      created_at: 1000,
      ends_at: 5000,
      status: 'active',
      lifted_at: null,
      decided_by: 'mod',
      statement: '{}',
      applied_at: null,
      ...over,
    });

    it('keeps report windows until they expire', async () => {
      await store.moderation.putReportWindow({ lookup: 'l1', box: 'b1', expires_at: 100 });
      await store.moderation.putReportWindow({ lookup: 'l1', box: 'b2', expires_at: 200 });
      expect(await store.moderation.getReportWindow('l1', 150)).toEqual({
        lookup: 'l1',
        box: 'b2',
        expires_at: 200,
      });
      expect(await store.moderation.getReportWindow('l1', 200)).toBeNull();
      expect(await store.moderation.getReportWindow('nope', 0)).toBeNull();
      expect(await store.moderation.deleteExpiredReportWindows(200)).toBe(1);
      expect(await store.moderation.getReportWindow('l1', 0)).toBeNull();
    });

    it('stores a report with its evidence once per dedupe key, within the reporter cap', async () => {
      const r = report();
      const ev = [evidence(r.report_id, 0), evidence(r.report_id, 1)];
      const cap = { since: 0, max: 2 };
      expect(await store.moderation.createReport(r, ev, cap)).toEqual({ status: 'created' });
      expect(await store.moderation.getReport(r.report_id)).toEqual(r);
      expect(await store.moderation.listEvidence(r.report_id)).toEqual(ev);
      const again = report({ dedupe: r.dedupe, created_at: 1100 });
      expect(await store.moderation.createReport(again, [evidence(again.report_id, 0)], cap)).toEqual({
        status: 'duplicate',
      });
      expect(await store.moderation.getReport(again.report_id)).toBeNull();
      expect(await store.moderation.listEvidence(again.report_id)).toEqual([]);
      expect(await store.moderation.createReport(report({ created_at: 1200 }), [], cap)).toEqual({
        status: 'created',
      });
      const third = report({ created_at: 1300 });
      expect(await store.moderation.createReport(third, [evidence(third.report_id, 0)], cap)).toEqual({
        status: 'capped',
        oldest_at: 1000,
      });
      expect(await store.moderation.getReport(third.report_id)).toBeNull();
      // Reports before `since` do not count.
      expect(await store.moderation.createReport(third, [], { since: 1150, max: 2 })).toEqual({
        status: 'created',
      });
    });

    it('lists open reports by severity then age, counts distinct reporters, resolves once', async () => {
      const spam = report({ reason: 'spam', severity: 5, created_at: 10 });
      const minor = report({
        reason: 'sexual_content_minor',
        severity: 0,
        created_at: 30,
        reporter: 'q'.repeat(64),
      });
      const age = report({ reason: 'age_lie', severity: 1, created_at: 20, reporter: 'q'.repeat(64) });
      const other = report({ reported: 'y'.repeat(64), created_at: 5 });
      for (const r of [spam, minor, age, other])
        await store.moderation.createReport(r, [], { since: 0, max: 99 });
      const open = await store.moderation.listReports({ status: 'open', limit: 10 });
      expect(open.map((r) => r.report_id)).toEqual([
        minor.report_id,
        age.report_id,
        other.report_id,
        spam.report_id,
      ]);
      expect(
        (
          await store.moderation.listReports({
            status: 'open',
            reported: 'x'.repeat(64),
            reason: 'age_lie',
            limit: 10,
          })
        ).map((r) => r.report_id),
      ).toEqual([age.report_id]);
      expect(await store.moderation.countOpenReporters('x'.repeat(64), 0)).toBe(2);
      expect(await store.moderation.countOpenReporters('x'.repeat(64), 25)).toBe(1);
      expect(await store.moderation.countOpenReportsByReason()).toEqual(
        expect.arrayContaining([
          { reason: 'spam', count: 1 },
          { reason: 'harassment', count: 1 },
        ]),
      );
      expect(await store.moderation.oldestOpenReportAt()).toBe(5);

      const resolution = {
        resolution: 'ban' as const,
        resolved_at: 100,
        resolved_by: 'mod',
        strike_id: 's'.repeat(32),
        evidence_expires_at: 200,
      };
      expect(await store.moderation.resolveReport(minor.report_id, resolution)).toBe(true);
      expect(await store.moderation.resolveReport(minor.report_id, resolution)).toBe(false);
      expect(await store.moderation.resolveReport('0'.repeat(32), resolution)).toBe(false);
      expect(await store.moderation.getReport(minor.report_id)).toMatchObject({
        status: 'resolved',
        ...resolution,
      });
      expect(await store.moderation.countOpenReporters('x'.repeat(64), 0)).toBe(2); // q still has one open
      expect(await store.moderation.countOpenReporters('x'.repeat(64), 25)).toBe(0);
      expect(
        (await store.moderation.listReports({ status: 'resolved', limit: 10 })).map((r) => r.report_id),
      ).toEqual([minor.report_id]);
      expect(await store.moderation.resolutionTotals()).toEqual([
        { resolution: 'ban', count: 1, total_ms: 70 },
      ]);
    });

    it('purges evidence, notes and who reported whom of resolved reports past their time; keeps the decision', async () => {
      const r = report({ evidence_expires_at: 500 });
      const open = report({ evidence_expires_at: 500 });
      await store.moderation.createReport(r, [evidence(r.report_id, 0)], { since: 0, max: 9 });
      await store.moderation.createReport(open, [evidence(open.report_id, 0)], { since: 0, max: 9 });
      await store.moderation.addNote({
        note_id: hex(16),
        target_kind: 'report',
        target_id: r.report_id,
        author: 'mod',
        created_at: 1,
        text: 'looks real',
      });
      expect((await store.moderation.listExpiredOpenReports(500, 10)).map((x) => x.report_id).sort()).toEqual(
        [r.report_id, open.report_id].sort(),
      );
      await store.moderation.resolveReport(r.report_id, {
        resolution: 'dismiss',
        resolved_at: 400,
        resolved_by: 'mod',
        strike_id: null,
        evidence_expires_at: 600,
      });
      expect(await store.moderation.purgeEvidence(599)).toBe(0);
      expect(await store.moderation.purgeEvidence(600)).toBe(1);
      expect(await store.moderation.getReport(r.report_id)).toMatchObject({
        reporter: null,
        reported: null,
        reporter_band: null,
        note: null,
        purged: true,
        resolution: 'dismiss',
        dedupe: r.dedupe,
      });
      expect(await store.moderation.listEvidence(r.report_id)).toEqual([]);
      expect(await store.moderation.listNotes('report', r.report_id)).toEqual([]);
      // An open report is never purged, however old: it is closed as expired first.
      expect(await store.moderation.listEvidence(open.report_id)).toHaveLength(1);
    });

    it('keeps strikes per account, lifts and overrules them, and tracks which were applied', async () => {
      const u = await user();
      const older = strike(u, { created_at: 1, kind: 'restriction', automated: true, ends_at: null });
      const newer = strike(u, { created_at: 2 });
      await store.moderation.createStrike(older);
      await store.moderation.createStrike(newer);
      expect(await store.moderation.getStrike(older.strike_id)).toEqual(older);
      expect(await store.moderation.getStrikeByAppealId(newer.appeal_id)).toEqual(newer);
      expect((await store.moderation.listStrikes(u)).map((s) => s.strike_id)).toEqual([
        newer.strike_id,
        older.strike_id,
      ]);
      expect((await store.moderation.listUnappliedStrikes(10)).map((s) => s.strike_id)).toEqual([
        older.strike_id,
        newer.strike_id,
      ]);
      await store.moderation.markStrikeApplied(older.strike_id, 9);
      await store.moderation.markStrikeApplied(older.strike_id, 10);
      expect((await store.moderation.getStrike(older.strike_id))?.applied_at).toBe(9);
      expect((await store.moderation.listUnappliedStrikes(10)).map((s) => s.strike_id)).toEqual([
        newer.strike_id,
      ]);
      expect(await store.moderation.liftStrike(older.strike_id, 'lifted', 20)).toBe(true);
      expect(await store.moderation.liftStrike(older.strike_id, 'lifted', 21)).toBe(false);
      expect(await store.moderation.liftStrike(older.strike_id, 'overruled', 22)).toBe(true);
      expect(await store.moderation.getStrike(older.strike_id)).toMatchObject({
        status: 'overruled',
        lifted_at: 20,
      });
      expect(await store.moderation.liftStrike(older.strike_id, 'overruled', 23)).toBe(false);
      // Strikes go with the account.
      await store.deleteUser(u);
      expect(await store.moderation.listStrikes(u)).toEqual([]);
    });

    it('files one appeal per strike and decides it once', async () => {
      const u = await user();
      const s = strike(u);
      await store.moderation.createStrike(s);
      const appeal = {
        appeal_id: s.appeal_id,
        strike_id: s.strike_id,
        user_hash: u,
        text: 'I did not',
        created_at: 50,
        status: 'open' as const,
        decided_at: null,
        decided_by: null,
        decision_reason: null,
      };
      expect(await store.moderation.createAppeal(appeal)).toBe(true);
      expect(await store.moderation.createAppeal({ ...appeal, text: 'again' })).toBe(false);
      expect(await store.moderation.getAppeal(s.appeal_id)).toEqual(appeal);
      expect(await store.moderation.listAppeals({ status: 'open', limit: 5 })).toEqual([appeal]);
      expect(await store.moderation.listAppealsOf(u)).toEqual([appeal]);
      const d = {
        status: 'upheld' as const,
        decided_at: 60,
        decided_by: 'mod',
        decision_reason: 'evidence is clear',
      };
      expect(await store.moderation.decideAppeal(s.appeal_id, d)).toBe(true);
      expect(await store.moderation.decideAppeal(s.appeal_id, { ...d, status: 'overruled' })).toBe(false);
      expect(await store.moderation.listAppeals({ status: 'open', limit: 5 })).toEqual([]);
      expect(await store.moderation.listAppeals({ status: 'decided', limit: 5 })).toEqual([
        { ...appeal, ...d },
      ]);
    });

    it('keeps moderators by unique name, an audit log newest first, and notes', async () => {
      const m = { moderator_id: hex(16), name: 'alice', token_hash: hex(), created_at: 1 };
      expect(await store.moderation.createModerator(m)).toBe(true);
      expect(await store.moderation.createModerator({ ...m, moderator_id: hex(16) })).toBe(false);
      expect(await store.moderation.getModerator(m.moderator_id)).toEqual(m);
      expect(await store.moderation.getModeratorByName('alice')).toEqual(m);
      expect(await store.moderation.listModerators()).toEqual([m]);
      expect(await store.moderation.deleteModerator('alice')).toBe(true);
      expect(await store.moderation.deleteModerator('alice')).toBe(false);

      for (const at of [1, 2, 3])
        await store.moderation.appendAudit({
          at,
          actor_kind: 'moderator',
          actor: 'alice',
          action: 'report.dismiss',
          target_kind: 'report',
          target_id: `r${at}`,
          reason: `why ${at}`,
        });
      const all = await store.moderation.listAudit({ limit: 10 });
      expect(all.map((e) => e.at)).toEqual([3, 2, 1]);
      expect(all[0]).toMatchObject({
        actor: 'alice',
        action: 'report.dismiss',
        target_id: 'r3',
        reason: 'why 3',
      });
      expect((await store.moderation.listAudit({ limit: 1, before: all[0]!.seq })).map((e) => e.at)).toEqual([
        2,
      ]);
      expect(await store.moderation.deleteAuditBefore(3)).toBe(2);

      const note = {
        note_id: hex(16),
        target_kind: 'appeal' as const,
        target_id: 'a1',
        author: 'bob',
        created_at: 5,
        text: 'n',
      };
      await store.moderation.addNote(note);
      expect(await store.moderation.listNotes('appeal', 'a1')).toEqual([note]);
      expect(await store.moderation.listNotes('report', 'a1')).toEqual([]);
    });

    it('deletes the pending envelopes a user sent and names their recipients', async () => {
      const a = await user();
      const b = await user();
      const cb = {
        client_hash: hex(),
        user_hash: b,
        token_hash: hex(),
        label: null,
        created_at: 1,
        last_seen_day: null,
        rotation_only: false,
      };
      const ca = { ...cb, client_hash: hex(), user_hash: a };
      await store.createClient(cb);
      await store.createClient(ca);
      const env = (recipient_client: string, from_user: string) => ({
        recipient_client,
        from_user,
        from_client: hex(),
        chat_id: 'f'.repeat(32),
        msg_id: hex(16),
        ts: 1,
        ciphertext: 'eA==',
        cf: 'Y2Y=',
        rf: 'cmY=',
        kid: 1,
        expires_at: 10,
      });
      await store.appendEnvelopes([env(cb.client_hash, a), env(cb.client_hash, a), env(ca.client_hash, b)]);
      expect(await store.moderation.deleteEnvelopesFrom(a)).toEqual([cb.client_hash]);
      expect(await store.countEnvelopes(cb.client_hash)).toBe(0);
      expect(await store.countEnvelopes(ca.client_hash)).toBe(1);
      expect(await store.moderation.deleteEnvelopesFrom(a)).toEqual([]);
    });

    it('reads and prunes rotated server keys', async () => {
      await store.getOrCreateServerKey('franking', 10, 'aa', 100);
      await store.getOrCreateServerKey('franking', 11, 'bb', 200);
      await store.getOrCreateServerKey('pair', 1, 'cc', 50);
      expect(await store.getServerKey('franking', 10)).toBe('aa');
      expect(await store.getServerKey('franking', 12)).toBeNull();
      expect(await store.deleteServerKeysCreatedBefore('franking', 150)).toBe(1);
      expect(await store.getServerKey('franking', 10)).toBeNull();
      expect(await store.getServerKey('franking', 11)).toBe('bb');
      expect(await store.getServerKey('pair', 1)).toBe('cc');
    });
  });
}
