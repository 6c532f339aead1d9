// The only module that imports the SDK: if its API shifts, adapt here.
import type { StrikeView } from '@omechat/sdk';
import { PSEUDONYM_RULE } from './signup-rules.js';
export {
  OmeChatClient,
  IndexedDbKeyStore,
  MAX_TEXT_LENGTH,
  ModeratorApi,
  MODERATOR_TOKEN_PATTERN,
  REPORT_REASONS,
  REPORT_REASON_CODES,
  MAX_APPEAL_TEXT_CHARS,
  MAX_REPORT_NOTE_CHARS,
} from '@omechat/sdk';
export type {
  AccountSummary,
  AdminAppeal,
  Note,
  ReportAction,
  ReportDetail,
  ReportReason,
  ReportSummary,
  SanctionDuration,
  StrikeView,
  ChatMessage,
  ChatSummary,
  ConnectionState,
  MessageStatus,
  PartnerInfo,
} from '@omechat/sdk';

/** Human text for anything thrown by the SDK (OmeChatError has .code and .message). */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const { code, message, retryAfterSeconds } = err as {
      code?: unknown;
      message?: unknown;
      retryAfterSeconds?: unknown;
    };
    if (code === 'RATE_LIMITED' && typeof retryAfterSeconds === 'number')
      return `Too many attempts. Please wait ${retryAfterSeconds} s and try again.`;
    if (code === 'INVALID_CREDENTIALS') return 'That pseudonym and secret do not match.';
    if (code === 'USERNAME_INVALID') return PSEUDONYM_RULE;
    if (code === 'USERNAME_TAKEN') return 'That pseudonym is taken. Try another one.';
    if (code === 'NETWORK_BANNED' && typeof retryAfterSeconds === 'number')
      return `Your network is blocked for now. Try again in ${Math.ceil(retryAfterSeconds / 3600)} h.`;
    if (
      (code === 'NEXT_COOLDOWN' || code === 'ON_PROBATION' || code === 'PROOF_EXPIRED') &&
      typeof message === 'string'
    )
      return message;
    if (code === 'ACCOUNT_RESTRICTED')
      return 'Your account is restricted: you cannot meet new people for now. See the notice at the top.';
    if (code === 'REPORT_DUPLICATE') return 'You have already reported this chat.';
    if (typeof message === 'string' && message) return message;
  }
  return 'Something went wrong. Please try again.';
}

/** The error code of an SDK error, if any. */
export function errorCode(err: unknown): string | undefined {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The strike an ACCOUNT_BANNED / ACCOUNT_RESTRICTED error carries, if any. */
export function errorSanction(err: unknown): StrikeView | undefined {
  const s = err && typeof err === 'object' ? (err as { sanction?: unknown }).sanction : undefined;
  return s && typeof s === 'object' ? (s as StrikeView) : undefined;
}
