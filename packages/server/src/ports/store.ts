/**
 * The storage port. Every adapter (SQLite by default, PostgreSQL for many nodes) implements it and
 * passes the same contract suite (store/store-contract.ts). All methods are async so a networked
 * database fits; the SQLite adapter resolves synchronously underneath.
 */
import type { ModerationStore } from './moderation-store.js';
import type { V1ImportStore } from './v1-import-store.js';

export type * from './moderation-store.js';
export type * from './v1-import-store.js';

export interface UserRecord {
  user_hash: string;
  username: string;
  username_key: string;
  /** argon2id PHC string of what `secret_kind` says; never a v2 secret itself. */
  secret_hash: string;
  /** 'authenticator': the hash is of the device-derived authenticator; 'raw': of the secret itself (legacy). */
  secret_kind: 'raw' | 'authenticator';
  /** The server once knew the secret (made before identity v2, or imported from v1): rotate at next sign-in. */
  legacy_secret: boolean;
  /** The account's Ed25519 identity key (public, base64); null until the first v2 sign-in registers it. */
  identity_key: string | null;
  age_at_signup: number;
  /** ms since epoch */
  created_at: number;
  /** YYYY-MM-DD of the last connection, day precision on purpose. */
  last_seen_day: string | null;
}

export interface ClientRecord {
  client_hash: string;
  user_hash: string;
  /** SHA-256 hex of the access token; never the token itself. */
  token_hash: string;
  label: string | null;
  created_at: number;
  last_seen_day: string | null;
  /** Signed in with a legacy secret: may only rotate it (SECRET_ROTATION_REQUIRED otherwise). */
  rotation_only: boolean;
}

/** A secret rotation, done atomically by `AccountStore.rotateSecret`. */
export interface SecretRotation {
  user_hash: string;
  /** The client that rotates: it stays (and may do everything again); every other one is deleted. */
  keep_client: string;
  /** argon2id hash of the new authenticator. */
  secret_hash: string;
  identity_key: string;
}

export interface AccountStore {
  /** Inserts a user; returns false when the username key is taken (atomically). */
  createUser(user: UserRecord): Promise<boolean>;
  getUser(user_hash: string): Promise<UserRecord | null>;
  getUserByUsernameKey(username_key: string): Promise<UserRecord | null>;
  /** Deletes the user and everything of it (clients, chats, envelopes, keys). */
  deleteUser(user_hash: string): Promise<boolean>;
  /**
   * Inserts a client; with `maxPerUser`, atomically refuses (returns false) when the user already
   * has that many clients.
   */
  createClient(client: ClientRecord, maxPerUser?: number): Promise<boolean>;
  getClient(client_hash: string): Promise<ClientRecord | null>;
  listClients(user_hash: string): Promise<ClientRecord[]>;
  deleteClient(user_hash: string, client_hash: string): Promise<boolean>;
  /** Records the day of a connection for the client and its user. */
  touchLastSeen(client_hash: string, day: string): Promise<void>;
  /** Registers the identity key if the account has none yet; false when one is there already. */
  setIdentityKey(user_hash: string, identity_key: string): Promise<boolean>;
  /**
   * Marks an account whose secret the server knew (v1 import, issue 19): its hash is of the raw
   * secret, and it must rotate at its next sign-in.
   */
  markLegacySecret(user_hash: string): Promise<boolean>;
  /**
   * Atomically: the new authenticator hash and identity key replace the old ones (no longer
   * legacy), `keep_client` may do everything again, every other client is deleted. Returns the
   * deleted clients' hashes (null when the account or `keep_client` is gone).
   */
  rotateSecret(r: SecretRotation): Promise<string[] | null>;
}

export interface ChatRecord {
  chat_id: string;
  user_a: string;
  user_b: string;
  origin: 'match' | 'invitation';
  created_at: number;
}

export interface ChatStore {
  createChat(chat: ChatRecord): Promise<void>;
  getChat(chat_id: string): Promise<ChatRecord | null>;
  listChats(user_hash: string): Promise<ChatRecord[]>;
  /** Ended chats are deleted outright: the server keeps no record of who talked to whom. */
  deleteChat(chat_id: string): Promise<boolean>;
}

export interface EnvelopeRecord {
  /** Assigned by the store on append (decimal string of a monotonically increasing integer). */
  id: string;
  recipient_client: string;
  from_user: string;
  from_client: string;
  chat_id: string;
  msg_id: string;
  ts: number;
  ciphertext: string;
  cf: string;
  rf: string;
  kid: number;
  expires_at: number;
}

export type NewEnvelope = Omit<EnvelopeRecord, 'id'>;

export interface EnvelopeStore {
  /**
   * Appends durably, all or none, and returns the records with their ids (ascending, in input
   * order). Per recipient, ids become visible in id order even under concurrent appends (drains
   * read `id > lastSentId`).
   */
  appendEnvelopes(envelopes: NewEnvelope[]): Promise<EnvelopeRecord[]>;
  /** Pending envelopes of one client with id > afterId, oldest first. */
  readEnvelopes(recipient_client: string, afterId: string | null, limit: number): Promise<EnvelopeRecord[]>;
  deleteEnvelopes(recipient_client: string, ids: string[]): Promise<number>;
  deleteExpiredEnvelopes(now: number): Promise<number>;
  /**
   * Pending envelopes of this chat expire no later than `expires_by` (a chat ended: what is still
   * undelivered may wait a short time, not the full TTL). Returns how many were shortened.
   */
  limitChatEnvelopes(chat_id: string, expires_by: number): Promise<number>;
  countEnvelopes(recipient_client: string): Promise<number>;
  /** Pending envelopes and ciphertext bytes per recipient client (clients with none are left out). */
  pendingUsage(recipient_clients: readonly string[]): Promise<Map<string, PendingUsage>>;
}

export interface PendingUsage {
  envelopes: number;
  /** Ciphertext bytes (base64 characters). */
  bytes: number;
}

/** A one-time ML-KEM prekey as stored and served (the client checks the signature). */
export interface OneTimeKemPrekey {
  id: number;
  key: string;
  signature: string;
}

export interface PrekeyStore {
  putBundle(client_hash: string, bundle: string, updated_at: number): Promise<void>;
  addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]): Promise<void>;
  addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]): Promise<void>;
  /**
   * The bundle, one one-time X25519 prekey and one one-time ML-KEM prekey, both deleted in the same
   * step (each handed out once).
   */
  takeBundle(client_hash: string): Promise<{
    bundle: string;
    one_time_prekey: { id: number; key: string } | null;
    one_time_kem_prekey: OneTimeKemPrekey | null;
  } | null>;
  countOneTimePrekeys(client_hash: string): Promise<number>;
  countOneTimeKemPrekeys(client_hash: string): Promise<number>;
}

export interface ServerKeyStore {
  /** Returns the existing key of this purpose and kid, or stores the given one (first writer wins). */
  getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number): Promise<string>;
  /** The key of this purpose and kid, or null (never stored, or deleted after its retention). */
  getServerKey(purpose: string, kid: number): Promise<string | null>;
  /** Deletes the keys of this purpose created before `before` (rotated keys past their retention). */
  deleteServerKeysCreatedBefore(purpose: string, before: number): Promise<number>;
}

export interface BlockStore {
  addBlockedPair(pair_hash: string, now: number): Promise<void>;
  isBlockedPair(pair_hash: string): Promise<boolean>;
  listBlockedPairs(): Promise<string[]>;
}

/** Probation's trust counter (MLBS re-entry layer, core/accounts/probation.ts). */
export interface TrustStore {
  /** Chats counted since `since`; null: none yet (then `since` is the sign-up). */
  getTrust(user_hash: string): Promise<{ chats: number; since: number } | null>;
  /** Counts one more chat (a new row starts from the account's sign-up time). */
  addTrustedChat(user_hash: string): Promise<void>;
  /** Starts over from `since` with no chats (a person upheld a report or decided a strike). */
  resetTrust(user_hash: string, since: number): Promise<void>;
}

export interface Store
  extends AccountStore, TrustStore, ChatStore, EnvelopeStore, PrekeyStore, ServerKeyStore, BlockStore {
  /** Moderation tables on the same database (ports/moderation-store.ts). */
  readonly moderation: ModerationStore;
  /** Batch writes of `omechat import-v1` (ports/v1-import-store.ts). */
  readonly v1Import: V1ImportStore;
  close(): Promise<void>;
}
