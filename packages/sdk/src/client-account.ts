import {
  generateDevice,
  generatePrekeys,
  identityFromSecret,
  type DeviceKeys,
  type Identity,
} from '@omechat/crypto';
import { OmeChatError } from '@omechat/protocol';
import { accountCredentials } from './account-credentials.js';
import type { ClientCredentials } from './client-credentials.js';
import type { ClientEventSink } from './client-event-sink.js';
import { HttpApi } from './http-api.js';
import type { KeyStore } from './key-store.js';
import type { ClientEvents } from './sdk-types.js';
import type { WebSocketConstructor } from './ws-connection.js';

export interface SignInOptions {
  baseUrl: string;
  username: string;
  secret: string;
  keyStore: KeyStore;
  label?: string;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
}

export interface RestoreOptions {
  baseUrl: string;
  keyStore: KeyStore;
  WebSocketImpl?: WebSocketConstructor;
  fetchImpl?: typeof fetch;
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

/**
 * The account as this device sees it: signing in (new client, fresh device keys, the identity
 * derived from the secret), restoring a signed-in device, the account's devices, signing out and
 * deleting the account. Whenever this device loses its client, its keys and history are wiped.
 */
export class ClientAccount {
  constructor(private readonly deps: ClientAccountDeps) {}

  /** Signs a device in with username + secret and stores its new keys (replacing anything stored). */
  static async signIn(o: SignInOptions): Promise<AccountKeys> {
    const http = new HttpApi(o.baseUrl, o.fetchImpl);
    const creds = await http.createClient({
      ...accountCredentials(o.username, o.secret),
      ...(o.label ? { label: o.label } : {}),
    });
    const info = await http.getAccount(creds);
    const identity = identityFromSecret(o.secret, creds.user_hash);
    const device = generateDevice(identity);
    const prekeys = generatePrekeys(device, ONE_TIME_PREKEYS);
    const account: AccountRecord = { ...creds, username: info.username, age: info.age };
    await o.keyStore.clear();
    await o.keyStore.write([
      { key: 'account', value: account },
      { key: 'identity', value: identity },
      { key: 'device', value: device },
      { key: 'prekeys', value: prekeys },
      { key: 'prekeys_uploaded', value: false },
    ]);
    return { account, identity, device };
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
