import { z } from 'zod';
import {
  AccessTokenSchema,
  ChatIdSchema,
  ClientHashSchema,
  ToleranceSchema,
  UserHashSchema,
} from './common-schemas.js';
import type { StrikeView } from './moderation-schemas.js';
import type { AgeBand } from './atss.js';

/**
 * WebSocket frames (docs/protocol.md). Every frame is a JSON object with a dotted `type`.
 * Client frames may carry `ref` (a client-chosen id, echoed on the reply or error).
 * Binary values travel as standard base64 strings.
 */
const Base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Ref = z.string().max(64).optional();
/** A message id chosen by the sender: 16 random bytes as hex; the same for every copy of one message. */
export const MsgIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a msg_id');

export const MAX_ENVELOPES_PER_MESSAGE = 32;
export const MAX_CIPHERTEXT_B64 = 96 * 1024;
export const MAX_BUNDLE_B64 = 16 * 1024;
export const MAX_ONE_TIME_PREKEYS_PER_UPLOAD = 200;
/** ML-KEM-768 keys are 1184 bytes, so fewer per upload (50 keep a frame under 100 KiB). */
export const MAX_ONE_TIME_KEM_PREKEYS_PER_UPLOAD = 50;

// ---- client -> server ----
export const AuthFrameSchema = z.strictObject({
  type: z.literal('auth'),
  ref: Ref,
  client_hash: ClientHashSchema,
  access_token: AccessTokenSchema,
});

export const OneTimePrekeySchema = z.strictObject({
  id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
  key: Base64(256),
});

/** A one-time ML-KEM-768 prekey (PQXDH): public key and the device's signature over (id, key). */
export const OneTimeKemPrekeySchema = z.strictObject({
  id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
  key: Base64(1600),
  signature: Base64(100),
});

export const PrekeysUploadFrameSchema = z.strictObject({
  type: z.literal('prekeys.upload'),
  ref: Ref,
  /** The device's signed public bundle (opaque to the server; clients verify its signatures). */
  bundle: Base64(MAX_BUNDLE_B64).optional(),
  one_time_prekeys: z.array(OneTimePrekeySchema).max(MAX_ONE_TIME_PREKEYS_PER_UPLOAD).default([]),
  one_time_kem_prekeys: z.array(OneTimeKemPrekeySchema).max(MAX_ONE_TIME_KEM_PREKEYS_PER_UPLOAD).default([]),
});

export const BundlesFetchFrameSchema = z.strictObject({
  type: z.literal('bundles.fetch'),
  ref: Ref,
  user_hash: UserHashSchema,
});

export const OutgoingEnvelopeSchema = z.strictObject({
  to_client: ClientHashSchema,
  ciphertext: Base64(MAX_CIPHERTEXT_B64),
});

export const MessageSendFrameSchema = z.strictObject({
  type: z.literal('message.send'),
  ref: Ref,
  chat_id: ChatIdSchema,
  msg_id: MsgIdSchema,
  /** The franking commitment shared by every copy (DESIGN §8): HMAC-SHA256, 32 bytes in base64. */
  cf: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a 32-byte base64 commitment'),
  envelopes: z.array(OutgoingEnvelopeSchema).min(1).max(MAX_ENVELOPES_PER_MESSAGE),
});

export const EnvelopeAckFrameSchema = z.strictObject({
  type: z.literal('envelope.ack'),
  ref: Ref,
  ids: z
    .array(z.string().regex(/^[0-9a-z]{1,40}$/))
    .min(1)
    .max(1000),
});

export const TypingFrameSchema = z.strictObject({
  type: z.literal('typing'),
  ref: Ref,
  chat_id: ChatIdSchema,
  typing: z.boolean(),
});

export const ReadFrameSchema = z.strictObject({
  type: z.literal('read'),
  ref: Ref,
  chat_id: ChatIdSchema,
  /** The newest msg_id the reader has seen. */
  msg_id: MsgIdSchema,
});

export const ChatsListFrameSchema = z.strictObject({ type: z.literal('chats.list'), ref: Ref });
export const ChatLeaveFrameSchema = z.strictObject({
  type: z.literal('chat.leave'),
  ref: Ref,
  chat_id: ChatIdSchema,
});

export const MatchJoinFrameSchema = z.strictObject({
  type: z.literal('match.join'),
  ref: Ref,
  tolerance: ToleranceSchema,
});
export const MatchCancelFrameSchema = z.strictObject({ type: z.literal('match.cancel'), ref: Ref });
export const MatchNextFrameSchema = z.strictObject({
  type: z.literal('match.next'),
  ref: Ref,
  chat_id: ChatIdSchema,
  tolerance: ToleranceSchema,
});
export const BrowseFrameSchema = z.strictObject({
  type: z.literal('browse'),
  ref: Ref,
  tolerance: ToleranceSchema,
  limit: z.number().int().min(1).max(20).default(10),
});
export const InviteFrameSchema = z.strictObject({
  type: z.literal('invite'),
  ref: Ref,
  user_hash: UserHashSchema,
  tolerance: ToleranceSchema,
});
export const InviteAnswerFrameSchema = z.strictObject({
  type: z.literal('invite.answer'),
  ref: Ref,
  invitation_id: z.string().regex(/^[0-9a-f]{32}$/),
  accept: z.boolean(),
});
export const BlockFrameSchema = z.strictObject({ type: z.literal('block'), ref: Ref, chat_id: ChatIdSchema });
export const AvailabilityFrameSchema = z.strictObject({
  type: z.literal('availability'),
  ref: Ref,
  /** Whether this user may be shown in others' browse lists and receive invitations. */
  open: z.boolean(),
  /** The tolerance the user accepts from people who browse them. */
  tolerance: ToleranceSchema.default(5),
});

export const ClientFrameSchema = z.discriminatedUnion('type', [
  AuthFrameSchema,
  PrekeysUploadFrameSchema,
  BundlesFetchFrameSchema,
  MessageSendFrameSchema,
  EnvelopeAckFrameSchema,
  TypingFrameSchema,
  ReadFrameSchema,
  ChatsListFrameSchema,
  ChatLeaveFrameSchema,
  MatchJoinFrameSchema,
  MatchCancelFrameSchema,
  MatchNextFrameSchema,
  BrowseFrameSchema,
  InviteFrameSchema,
  InviteAnswerFrameSchema,
  BlockFrameSchema,
  AvailabilityFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
export type ClientFrameOf<T extends ClientFrameType> = Extract<ClientFrame, { type: T }>;

// ---- server -> client ----
export interface PartnerInfo {
  user_hash: string;
  username: string;
  /** Exact current age; partners are within a few years by construction. */
  age: number;
  age_band: AgeBand;
}

export interface ChatInfo {
  chat_id: string;
  partner: PartnerInfo;
  created_at: number;
  origin: 'match' | 'invitation';
}

export interface DeviceBundle {
  client_hash: string;
  bundle: string;
  one_time_prekey: { id: number; key: string } | null;
  /** A one-time ML-KEM prekey handed out once (absent from servers that predate them). */
  one_time_kem_prekey?: { id: number; key: string; signature: string } | null;
}

/** An envelope as delivered: the server adds who sent it (from the authenticated connection), when, and `rf`. */
export interface DeliveredEnvelope {
  id: string;
  chat_id: string;
  msg_id: string;
  from_user: string;
  from_client: string;
  ts: number;
  ciphertext: string;
  cf: string;
  rf: string;
  kid: number;
}

export type ServerFrame =
  | { type: 'auth.ok'; ref?: string; user_hash: string; client_hash: string; server_time: number }
  | { type: 'prekeys.ok'; ref?: string; one_time_prekeys: number; one_time_kem_prekeys?: number }
  | { type: 'prekeys.low'; one_time_prekeys: number; one_time_kem_prekeys?: number }
  | {
      type: 'bundles';
      ref?: string;
      user_hash: string;
      /** The user's registered identity key; every device bundle must be certified by it. */
      identity_key?: string | null;
      devices: DeviceBundle[];
    }
  | {
      type: 'message.ack';
      ref?: string;
      msg_id: string;
      ts: number;
      /** Copies written to the store for devices that were not connected. */
      stored: number;
      /** Copies pushed to connected devices at once. */
      delivered: number;
      /** Of those, copies that reached a device of the chat partner. */
      partner_delivered: number;
      /** Devices of the chat that the message did not cover: fetch their bundles and send to them too. */
      missing_clients: string[];
    }
  | ({ type: 'envelope' } & DeliveredEnvelope)
  | { type: 'sync.done'; pending: number }
  | { type: 'typing'; chat_id: string; user_hash: string; typing: boolean }
  | { type: 'read'; chat_id: string; user_hash: string; msg_id: string }
  | { type: 'presence'; chat_id: string; user_hash: string; online: boolean }
  | { type: 'chats'; ref?: string; chats: ChatInfo[] }
  | { type: 'chat.started'; chat: ChatInfo }
  | { type: 'match.found'; chat: ChatInfo }
  | {
      type: 'chat.ended';
      chat_id: string;
      /** `closed`: ended by the service (moderation); the reason is not shared with the partner. */
      reason: 'left' | 'next' | 'blocked' | 'account_deleted' | 'age_wall' | 'closed';
    }
  | { type: 'moderation.notice'; strike: StrikeView }
  /** Rapid skipping earned a cooldown: no queue (NEXT_COOLDOWN) until `until` (ms). */
  | { type: 'cooldown'; reason: 'rapid_next'; until: number }
  | { type: 'match.waiting'; ref?: string }
  | { type: 'match.cancelled'; ref?: string }
  | { type: 'browse.result'; ref?: string; people: PartnerInfo[] }
  | { type: 'invite.sent'; ref?: string; invitation_id: string }
  | { type: 'invite.received'; invitation_id: string; from: PartnerInfo }
  | { type: 'invite.declined'; invitation_id: string }
  | { type: 'ok'; ref?: string }
  | {
      type: 'error';
      ref?: string;
      code: string;
      message: string;
      status: number;
      /** With ACCOUNT_BANNED / ACCOUNT_RESTRICTED. */
      sanction?: StrikeView;
    };
export type ServerFrameType = ServerFrame['type'];
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
