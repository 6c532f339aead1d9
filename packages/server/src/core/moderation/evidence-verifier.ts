import { verifyFrankingReport } from '@omechat/crypto';
import type { InputIssue, RevealedMessage } from '@omechat/protocol';

export interface EvidenceContext {
  /** The chat partner: the only sender a reported message may have. */
  sender: string;
  /** The reporter: the only recipient a reported message may have. */
  recipient: string;
  /** The chat's lifetime: a message from outside it belongs to another chat. */
  started_at: number;
  ended_at: number | null;
  now: number;
  /** Messages older than this have no franking key any more. */
  maxAgeMs: number;
}

/**
 * Checks every revealed message of a report (DESIGN §8): the body opens the commitment `cf` with
 * `kf`, and the server's own tag `rf` over (cf, sender, recipient, msg_id, ts) matches with the key
 * of `kid`. Returns one issue per message that fails (the report is then refused as a whole).
 */
export async function verifyEvidence(
  messages: RevealedMessage[],
  ctx: EvidenceContext,
  keyOf: (kid: number) => Promise<Uint8Array | undefined>,
): Promise<InputIssue[]> {
  const issues: InputIssue[] = [];
  const keys = new Map<number, Uint8Array | undefined>();
  for (const kid of new Set(messages.map((m) => m.kid))) keys.set(kid, await keyOf(kid));
  const seen = new Set<string>();
  const check = (m: RevealedMessage): string | null => {
    if (seen.has(m.msg_id)) return 'duplicate_message';
    seen.add(m.msg_id);
    if (m.ts < ctx.started_at || m.ts > (ctx.ended_at ?? ctx.now)) return 'not_in_this_chat';
    if (m.ts < ctx.now - ctx.maxAgeMs || !keys.get(m.kid)) return 'too_old';
    const ok = verifyFrankingReport(
      {
        v: 1,
        body: m.body,
        kf: m.kf,
        cf: m.cf,
        rf: m.rf,
        sender: ctx.sender,
        recipient: ctx.recipient,
        msg_id: m.msg_id,
        ts: m.ts,
        kid: String(m.kid),
      },
      (kid) => keys.get(Number(kid)),
    );
    return ok ? null : 'not_verified';
  };
  for (const [i, m] of messages.entries()) {
    const problem = check(m);
    if (problem) issues.push({ path: `messages.${i}`, problem });
  }
  return issues;
}
