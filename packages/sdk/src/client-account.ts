import {
  generateDevice,
  generatePrekeys,
  type DeviceKeys,
  type Identity,
  type PrekeyRotationPolicy,
} from '@omechat/crypto';
import { ONE_TIME_KEM_PREKEYS } from './prekey-publisher.js';
import { OmeChatError } from '@omechat/protocol';
import type { ClientCredentials } from './client-credentials.js';
import type { ClientEventSink } from './client-event-sink.js';
import { HttpApi } from './http-api.js';
import type { KeyStore, KeyStoreOp } from './key-store.js';
import type { ClientEvents } from './sdk-types.js';
import { freshSecret, normaliseSecret, secretProof, signInWithSecret } from './secret-sign-in.js';
import type { WebSocketConstructor } from './ws-connection.js';

export interface SignInOptions {
  baseUrl: string;
  username: string;
  secret: string;
  keyStore: KeyStore;
  label?: string;
  /**
   * The user says this is an old secret, made by the server before identity v2 (it does not pass
   * the v2 check). It is sent once, then replaced: the new secret is in `takeRotatedSecret()`.
   * Without this, a secret that fails the check is refused here (SECRET_INVALID), unsent.
   */
  legacySecret?: boolean;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
  /** Milliseconds since the epoch; defaults to `Date.now` (tests pass a fake clock). */
  clock?: () => number;
  /** Overrides of the signed prekey rotation (default: weekly, previous pair kept 7 days). */
  prekeyRotation?: Partial<PrekeyRotationPolicy>;
}

export interface RestoreOptions {
  baseUrl: string;
  keyStore: KeyStore;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
  clock?: () => number;
  prekeyRotation?: Partial<PrekeyRotationPolicy>;
}

/** What this device keeps about its account (never the account secret). */
export interface AccountRecord {
  user_hash: string;
  client_hash: string;
  access_token: string;
  username: string;
  age: number;
}

/** A signed-in device's account and long-term keys, as stored in its `KeyStore`. */
export interface AccountKeys {
  account: AccountRecord;
  identity: Identity;
  device: DeviceKeys;
}

export type SignOutReason = ClientEvents['signed-out']['reason'];

export interface ClientAccountDeps {
  keys: AccountKeys;
  http: HttpApi;
  store: KeyStore;
  /** Stops the connection for good (before local state is wiped). */
  disconnect: () => void;
  events: ClientEventSink;
}

const ONE_TIME_PREKEYS = 100;
/** What a re-keyed device keeps: its chats, history and the partners' pinned identity keys. */
const HISTORY_PREFIXES = ['chat:', 'msg:', 'peerkey:'];

/**
 * The account as this device sees it: signing in (new client, fresh device keys, the identity
 * derived from the secret), restoring a signed-in device, the account's devices, signing out and
 * deleting the account. Whenever this device loses its client, its keys and history are wiped.
 */
export class ClientAccount {
  constructor(private readonly deps: ClientAccountDeps) {}

  /**
   * Signs a device in with username + secret and stores its new keys (replacing anything stored,
   * or with `keepHistory` everything but the chats). A legacy secret is rotated on the way
   * (`rotatedSecret`).
   */
  static async signIn(
    o: SignInOptions & { keepHistory?: boolean },
  ): Promise<{ keys: AccountKeys; rotatedSecret: string | null }> {
    const http = new HttpApi(o.baseUrl, o.fetchImpl);
    const { creds, identity, rotatedSecret } = await signInWithSecret(http, o);
    const info = await http.getAccount(creds);
    const device = generateDevice(identity);
    const prekeys = generatePrekeys(device, ONE_TIME_PREKEYS, {
      kemCount: ONE_TIME_KEM_PREKEYS,
      now: (o.clock ?? Date.now)(),
    });
    const { user_hash, client_hash, access_token } = creds;
    const account: AccountRecord = {
      user_hash,
      client_hash,
      access_token,
      username: info.username,
      age: info.age,
    };
    if (o.keepHistory) await o.keyStore.write(await keysButHistory(o.keyStore));
    else await o.keyStore.clear();
    await o.keyStore.write([
      { key: 'account', value: account },
      { key: 'identity', value: identity },
      { key: 'device', value: device },
      { key: 'prekeys', value: prekeys },
      { key: 'prekeys_uploaded', value: false },
    ]);
    return { keys: { account, identity, device }, rotatedSecret };
  }

  /** The keys of a device that signed in before, or null. */
  static async restore(store: KeyStore): Promise<AccountKeys | null> {
    const account = await store.get<AccountRecord>('account');
    const identity = await store.get<Identity>('identity');
    const device = await store.get<DeviceKeys>('device');
    if (!account || !identity || !device) return null;
    return { account, identity, device };
  }

  get record(): AccountRecord {
    return this.deps.keys.account;
  }

  /** The account's standing (bans, restrictions, strikes with their statements of reasons). */
  standing() {
    return this.deps.http.standing(this.creds);
  }

  get creds(): ClientCredentials {
    const { client_hash, access_token } = this.deps.keys.account;
    return { client_hash, access_token };
  }

  listDevices() {
    return this.deps.http.listClients(this.creds);
  }

  async revokeDevice(client_hash: string): Promise<void> {
    await this.deps.http.revokeClient(this.creds, client_hash);
    if (client_hash === this.record.client_hash) await this.forget('revoked');
  }

  /**
   * Replaces the account's secret ("my secret may have leaked", issue 10): proves `oldSecret`,
   * registers a new secret's authenticator and identity (every other client is signed out), then
   * re-keys this device as a new client that keeps the chat history. Disconnects: the caller
   * restores a client from the store afterwards. Returns the new secret, to show once.
   */
  async rotateSecret(oldSecret: string, legacySecret = false): Promise<string> {
    const old = secretProof(normaliseSecret(oldSecret), legacySecret);
    const { user_hash, username, client_hash } = this.record;
    const fresh = freshSecret(user_hash);
    await this.deps.http.rotateSecret(this.creds, {
      old,
      new_authenticator: fresh.authenticator,
      identity_key: fresh.identity.publicKey,
    });
    // From here this client must not react to its own revocation (it would wipe the store).
    this.deps.disconnect();
    // A new client with new device keys: partners see this client go and a new one come (and,
    // from the new identity key, "safety number changed"), instead of old sessions failing.
    const { keys } = await ClientAccount.signIn({
      baseUrl: this.deps.http.baseUrl,
      username,
      secret: fresh.secret,
      keyStore: this.deps.store,
      label: 'rotated',
      keepHistory: true,
    });
    await this.deps.http.revokeClient(keys.account, client_hash).catch(() => undefined);
    return fresh.secret;
  }

  async deleteAccount(): Promise<void> {
    await this.deps.http.deleteAccount(this.creds);
    await this.forget('deleted');
  }

  /** Signs this device out: revokes its client on the server and wipes local keys and history. */
  async signOut(): Promise<void> {
    try {
      await this.deps.http.revokeClient(this.creds, this.record.client_hash);
    } catch (e) {
      if (!(e instanceof OmeChatError) || e.code !== 'UNAUTHENTICATED') throw e;
    }
    await this.forget('local');
  }

  /** This device lost its client (or gave it up): disconnect, wipe, tell the app. */
  async forget(reason: SignOutReason): Promise<void> {
    this.deps.disconnect();
    await this.deps.store.clear();
    this.deps.events.emit('signed-out', { reason });
  }
}

/** Ops deleting everything in the store but the chats, history and pinned partner keys. */
async function keysButHistory(store: KeyStore): Promise<KeyStoreOp[]> {
  const all = await store.keys('');
  return all
    .filter((k) => !HISTORY_PREFIXES.some((p) => k.startsWith(p)))
    .map((key) => ({ key, delete: true as const }));
}
