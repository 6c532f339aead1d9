// The browser-safe entry: nothing here imports `node:` modules (FileKeyStore lives in `./node/`).
export { TypedEmitter, type Listener } from './typed-emitter.js';
export type { ClientCredentials } from './client-credentials.js';
export { HttpApi, type FetchLike, type HttpApiOptions } from './http-api.js';
export {
  WsConnection,
  type WebSocketLike,
  type WebSocketConstructor,
  type WsConnectionOptions,
  type WsConnectionState,
  type WsConnectionEvents,
} from './ws-connection.js';
export type { ReplyOf, WsRequestFrame, WsRequestType, WsSendFrame } from './ws-request-types.js';
export type { KeyStore, KeyStoreOp } from './key-store.js';
export { MemoryKeyStore } from './memory-key-store.js';
export { IndexedDbKeyStore, type EncryptedRecord } from './indexed-db-key-store.js';
export { toOmeChatError } from './to-omechat-error.js';
export { transportError } from './transport-error.js';
export {
  OmeChatClient,
  type SignInOptions,
  type RestoreOptions,
  type SignUpOptions,
} from './omechat-client.js';
export {
  defaultPowSolver,
  thisThreadSolver,
  webWorkerSolver,
  type PowProgress,
  type PowSolver,
} from './pow-solver.js';
export type {
  ChatMessage,
  ChatSummary,
  ChatEndReason,
  ClientEvents,
  ConnectionState,
  MessageStatus,
  PartnerInfo,
  SafetyNumber,
} from './sdk-types.js';
export { MAX_TEXT_LENGTH } from './message-body.js';
// The ATSS rules (who may meet whom), defined once in the protocol package; apps display them.
export {
  ADULT_AGE,
  MAX_AGE,
  MAX_TOLERANCE,
  MIN_AGE,
  MINOR_MAX_TOLERANCE,
  MINOR_OLD_AGE,
  ageBand,
  compatibleAgeRange,
  effectiveTolerance,
  isValidAge,
  mayMeet,
  type AgeBand,
  type AgeRange,
} from '@omechat/protocol';
// The pseudonym rule, so apps can say what is wrong at the field before asking the server.
export { USERNAME_MAX, USERNAME_MIN, normalizeUsername } from '@omechat/protocol';
export { DEFAULT_REPORTED_MESSAGES, type ReportOptions } from './client-reports.js';
export { ModeratorApi, MODERATOR_TOKEN_PATTERN, type Note, type NoteTarget } from './moderator-api.js';
export type { AccountCredentialsOptions } from './omechat-client.js';
// Moderation vocabulary the apps show (reasons catalogue, statements of reasons, admin views).
export {
  REPORT_REASONS,
  REPORT_REASON_CODES,
  MAX_APPEAL_TEXT_CHARS,
  MAX_REPORT_NOTE_CHARS,
  OmeChatError,
} from '@omechat/protocol';
export type {
  AccountSummary,
  AdminAppeal,
  AppealView,
  ReportAction,
  ReportDetail,
  ReportReason,
  ReportReceipt,
  ReportSummary,
  SanctionDuration,
  StatementOfReasons,
  Standing,
  StrikeView,
} from '@omechat/protocol';
