import type {
  AccountStore,
  BlockStore,
  ChatRecord,
  ChatStore,
  ClientRecord,
  EnvelopeStore,
  ModerationStore,
  NewEnvelope,
  OneTimeKemPrekey,
  PrekeyStore,
  SecretRotation,
  ServerKeyStore,
  Store,
  TrustStore,
  UserRecord,
  V1ImportStore,
} from '../ports/store.js';

/** One adapter's table groups, each implementing its part of the Store port. */
export interface StoreParts {
  accounts: AccountStore & TrustStore;
  chats: ChatStore & BlockStore;
  envelopes: EnvelopeStore;
  prekeys: PrekeyStore;
  serverKeys: ServerKeyStore;
}

/**
 * The Store port over an adapter's table groups: each method forwards to the group that owns the
 * table, so an adapter (SQLite, PostgreSQL) is a file per table group plus its opening and closing.
 */
export abstract class ComposedStore implements Store {
  abstract readonly moderation: ModerationStore;
  abstract readonly v1Import: V1ImportStore;
  abstract close(): Promise<void>;

  protected constructor(private readonly parts: StoreParts) {}

  createUser(user: UserRecord) {
    return this.parts.accounts.createUser(user);
  }
  getUser(user_hash: string) {
    return this.parts.accounts.getUser(user_hash);
  }
  getUserByUsernameKey(username_key: string) {
    return this.parts.accounts.getUserByUsernameKey(username_key);
  }
  deleteUser(user_hash: string) {
    return this.parts.accounts.deleteUser(user_hash);
  }
  createClient(client: ClientRecord, maxPerUser?: number) {
    return this.parts.accounts.createClient(client, maxPerUser);
  }
  getClient(client_hash: string) {
    return this.parts.accounts.getClient(client_hash);
  }
  listClients(user_hash: string) {
    return this.parts.accounts.listClients(user_hash);
  }
  deleteClient(user_hash: string, client_hash: string) {
    return this.parts.accounts.deleteClient(user_hash, client_hash);
  }
  touchLastSeen(client_hash: string, day: string) {
    return this.parts.accounts.touchLastSeen(client_hash, day);
  }
  setIdentityKey(user_hash: string, identity_key: string) {
    return this.parts.accounts.setIdentityKey(user_hash, identity_key);
  }
  markLegacySecret(user_hash: string) {
    return this.parts.accounts.markLegacySecret(user_hash);
  }
  rotateSecret(r: SecretRotation) {
    return this.parts.accounts.rotateSecret(r);
  }
  getTrust(user_hash: string) {
    return this.parts.accounts.getTrust(user_hash);
  }
  addTrustedChat(user_hash: string) {
    return this.parts.accounts.addTrustedChat(user_hash);
  }
  resetTrust(user_hash: string, since: number) {
    return this.parts.accounts.resetTrust(user_hash, since);
  }

  createChat(chat: ChatRecord) {
    return this.parts.chats.createChat(chat);
  }
  getChat(chat_id: string) {
    return this.parts.chats.getChat(chat_id);
  }
  listChats(user_hash: string) {
    return this.parts.chats.listChats(user_hash);
  }
  deleteChat(chat_id: string) {
    return this.parts.chats.deleteChat(chat_id);
  }
  addBlockedPair(pair_hash: string, now: number) {
    return this.parts.chats.addBlockedPair(pair_hash, now);
  }
  isBlockedPair(pair_hash: string) {
    return this.parts.chats.isBlockedPair(pair_hash);
  }
  listBlockedPairs() {
    return this.parts.chats.listBlockedPairs();
  }

  appendEnvelopes(envelopes: NewEnvelope[]) {
    return this.parts.envelopes.appendEnvelopes(envelopes);
  }
  readEnvelopes(recipient_client: string, afterId: string | null, limit: number) {
    return this.parts.envelopes.readEnvelopes(recipient_client, afterId, limit);
  }
  deleteEnvelopes(recipient_client: string, ids: string[]) {
    return this.parts.envelopes.deleteEnvelopes(recipient_client, ids);
  }
  deleteExpiredEnvelopes(now: number) {
    return this.parts.envelopes.deleteExpiredEnvelopes(now);
  }
  limitChatEnvelopes(chat_id: string, expires_by: number) {
    return this.parts.envelopes.limitChatEnvelopes(chat_id, expires_by);
  }
  countEnvelopes(recipient_client: string) {
    return this.parts.envelopes.countEnvelopes(recipient_client);
  }
  pendingUsage(recipient_clients: readonly string[]) {
    return this.parts.envelopes.pendingUsage(recipient_clients);
  }

  putBundle(client_hash: string, bundle: string, updated_at: number) {
    return this.parts.prekeys.putBundle(client_hash, bundle, updated_at);
  }
  addOneTimePrekeys(client_hash: string, keys: { id: number; key: string }[]) {
    return this.parts.prekeys.addOneTimePrekeys(client_hash, keys);
  }
  addOneTimeKemPrekeys(client_hash: string, keys: OneTimeKemPrekey[]) {
    return this.parts.prekeys.addOneTimeKemPrekeys(client_hash, keys);
  }
  takeBundle(client_hash: string) {
    return this.parts.prekeys.takeBundle(client_hash);
  }
  countOneTimePrekeys(client_hash: string) {
    return this.parts.prekeys.countOneTimePrekeys(client_hash);
  }
  countOneTimeKemPrekeys(client_hash: string) {
    return this.parts.prekeys.countOneTimeKemPrekeys(client_hash);
  }

  getOrCreateServerKey(purpose: string, kid: number, key_hex: string, now: number) {
    return this.parts.serverKeys.getOrCreateServerKey(purpose, kid, key_hex, now);
  }
  getServerKey(purpose: string, kid: number) {
    return this.parts.serverKeys.getServerKey(purpose, kid);
  }
  deleteServerKeysCreatedBefore(purpose: string, before: number) {
    return this.parts.serverKeys.deleteServerKeysCreatedBefore(purpose, before);
  }
}
