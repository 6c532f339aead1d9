import { z } from 'zod';
import {
  AgeSchema,
  ChatIdSchema,
  ClientHashSchema,
  IdentityKeySchema,
  UserHashSchema,
} from './common-schemas.js';
import { StrikeViewSchema } from './moderation-schemas.js';
import {
  MAX_BUNDLE_B64,
  MAX_CIPHERTEXT_B64,
  MAX_ENVELOPES_PER_MESSAGE,
  MsgIdSchema,
  type ServerFrame,
} from './ws-frames.js';

/**
 * Schemas of every server -> client WebSocket frame. The SDK treats the server as untrusted input:
 * it parses each frame with `ServerFrameSchema` before using it, and drops (with a typed error event)
 * anything that does not match. Objects are not strict, so a newer server may add fields (they are
 * stripped); every string, number and list is bounded so a hostile server cannot make the client
 * hold or loop over unbounded data.
 */
const Base64 = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Ref = z.string().max(64).optional();
const Ts = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Count = z.number().int().min(0).max(1_000_000_000);
const PrekeyId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const Id32 = z.string().regex(/^[0-9a-f]{32}$/);

/** Most devices a bundles reply may list (accounts hold at most 16). */
export const MAX_SERVED_DEVICES = 64;
/** Most chats a chats reply may list. */
export const MAX_SERVED_CHATS = 1000;

export const PartnerInfoSchema = z.object({
  user_hash: UserHashSchema,
  username: z.string().min(1).max(64),
  age: AgeSchema,
  age_band: z.enum(['minor-young', 'minor-old', 'adult']),
});

export const ChatInfoSchema = z.object({
  chat_id: ChatIdSchema,
  partner: PartnerInfoSchema,
  created_at: Ts,
  origin: z.enum(['match', 'invitation']),
});

export const DeviceBundleSchema = z.object({
  client_hash: ClientHashSchema,
  bundle: Base64(MAX_BUNDLE_B64),
  one_time_prekey: z.object({ id: PrekeyId, key: Base64(256) }).nullable(),
  one_time_kem_prekey: z
    .object({ id: PrekeyId, key: Base64(1600), signature: Base64(100) })
    .nullable()
    .optional(),
});

export const DeliveredEnvelopeSchema = z.object({
  id: z.string().regex(/^[0-9a-z]{1,40}$/),
  chat_id: ChatIdSchema,
  msg_id: MsgIdSchema,
  from_user: UserHashSchema,
  from_client: ClientHashSchema,
  ts: Ts,
  ciphertext: Base64(MAX_CIPHERTEXT_B64),
  cf: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  rf: Base64(128),
  kid: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
});

const IssueSchema = z.object({ path: z.string().max(200), problem: z.string().max(500) });

export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('auth.ok'),
    ref: Ref,
    user_hash: UserHashSchema,
    client_hash: ClientHashSchema,
    server_time: Ts,
  }),
  z.object({
    type: z.literal('prekeys.ok'),
    ref: Ref,
    one_time_prekeys: Count,
    one_time_kem_prekeys: Count.optional(),
  }),
  z.object({
    type: z.literal('prekeys.low'),
    one_time_prekeys: Count,
    one_time_kem_prekeys: Count.optional(),
  }),
  z.object({
    type: z.literal('bundles'),
    ref: Ref,
    user_hash: UserHashSchema,
    /** The account's registered identity key (identity v2); null before its first v2 sign-in. */
    identity_key: IdentityKeySchema.nullable().optional(),
    devices: z.array(DeviceBundleSchema).max(MAX_SERVED_DEVICES),
  }),
  z.object({
    type: z.literal('message.ack'),
    ref: Ref,
    msg_id: MsgIdSchema,
    ts: Ts,
    stored: Count,
    delivered: Count,
    partner_delivered: Count,
    missing_clients: z.array(ClientHashSchema).max(MAX_ENVELOPES_PER_MESSAGE),
  }),
  DeliveredEnvelopeSchema.extend({ type: z.literal('envelope') }),
  z.object({ type: z.literal('sync.done'), pending: Count }),
  z.object({
    type: z.literal('typing'),
    chat_id: ChatIdSchema,
    user_hash: UserHashSchema,
    typing: z.boolean(),
  }),
  z.object({
    type: z.literal('read'),
    chat_id: ChatIdSchema,
    user_hash: UserHashSchema,
    msg_id: MsgIdSchema,
  }),
  z.object({
    type: z.literal('presence'),
    chat_id: ChatIdSchema,
    user_hash: UserHashSchema,
    online: z.boolean(),
  }),
  z.object({ type: z.literal('chats'), ref: Ref, chats: z.array(ChatInfoSchema).max(MAX_SERVED_CHATS) }),
  z.object({ type: z.literal('chat.started'), chat: ChatInfoSchema }),
  z.object({ type: z.literal('match.found'), chat: ChatInfoSchema }),
  z.object({
    type: z.literal('chat.ended'),
    chat_id: ChatIdSchema,
    reason: z.enum(['left', 'next', 'blocked', 'account_deleted', 'age_wall', 'closed']),
  }),
  z.object({ type: z.literal('moderation.notice'), strike: StrikeViewSchema }),
  z.object({ type: z.literal('match.waiting'), ref: Ref }),
  z.object({ type: z.literal('match.cancelled'), ref: Ref }),
  z.object({ type: z.literal('browse.result'), ref: Ref, people: z.array(PartnerInfoSchema).max(50) }),
  z.object({ type: z.literal('invite.sent'), ref: Ref, invitation_id: Id32 }),
  z.object({ type: z.literal('invite.received'), invitation_id: Id32, from: PartnerInfoSchema }),
  z.object({ type: z.literal('invite.declined'), invitation_id: Id32 }),
  z.object({ type: z.literal('ok'), ref: Ref }),
  z.object({
    type: z.literal('error'),
    ref: Ref,
    code: z.string().max(64),
    message: z.string().max(2000),
    status: z.number().int().min(100).max(599),
    retry_after: z.number().int().min(0).max(31_536_000).optional(),
    issues: z.array(IssueSchema).max(100).optional(),
    sanction: StrikeViewSchema.optional(),
  }),
]);

/** A frame that passed `ServerFrameSchema`: every variant is one the SDK's `ServerFrame` type allows. */
export type ParsedServerFrame = z.infer<typeof ServerFrameSchema>;
// Compile-time check that the schemas never accept what the wire type does not describe.
type Assignable<T extends ServerFrame> = T;
export type ParsedServerFrameCheck = Assignable<ParsedServerFrame>;

/** The largest server frame the SDK reads (a bundles reply with many devices is the biggest). */
export const MAX_SERVER_FRAME_CHARS = 2 * 1024 * 1024;

/**
 * Reads one untrusted server frame: size, JSON, then the schema. Never throws: returns the frame,
 * or a reason to drop it (the SDK reports it as an `INVALID_SERVER_FRAME` error event).
 */
export function readServerFrame(
  raw: unknown,
): { frame: ParsedServerFrame; problem?: undefined } | { frame?: undefined; problem: string } {
  if (typeof raw !== 'string') return { problem: 'not a text frame' };
  if (raw.length > MAX_SERVER_FRAME_CHARS) return { problem: 'frame too large' };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { problem: 'not JSON' };
  }
  const r = ServerFrameSchema.safeParse(data);
  if (!r.success) {
    const type =
      typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string'
        ? (data as { type: string }).type.slice(0, 40)
        : 'unknown';
    return { problem: `malformed ${type} frame` };
  }
  return { frame: r.data };
}
