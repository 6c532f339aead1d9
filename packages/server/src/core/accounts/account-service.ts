import {
  AgeSchema,
  MAX_ENVELOPES_PER_MESSAGE,
  OmeChatError,
  normalizeUsername,
  usernameKey,
  type ClientInfo,
  type CreateAccountResponse,
  type CreateClientResponse,
  type AccountInfo,
  type SignupProof,
  type RotateSecretRequest,
  type RotateSecretResponse,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';
import type { SecretHasher } from '../../ports/secret-hasher.js';
import type { AccountStore, UserRecord } from '../../ports/store.js';
import { dayString } from '../day-string.js';
import { randomAlphanumeric, randomHash } from '../random-string.js';
import { digestsEqual, tokenHash } from '../token-hash.js';
import { currentAge } from '../matching/atss.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { staleDevice } from './stale-device.js';
import type { NetworkGate } from '../network/network-gate.js';

export interface AccountLimits {
  signupsPerNetworkPerHour: number;
  /** Sign-in attempts on one account from one network (core/accounts/sign-in-limiter.ts). */
  loginsPerAccountNetworkPer15Min: number;
  loginsPerNetworkPerMinute: number;
  /** Devices (clients) per account; see MAX_DEVICES_PER_ACCOUNT. */
  devicesPerAccount: number;
  /** At the cap, a device unseen this long makes room for a new one (core/accounts/stale-device.ts). */
  staleDeviceMs: number;
}

/**
 * One message must be able to reach every device of both users of a chat: the partner's n devices
 * and the sender's own n - 1 others, 2n - 1 envelopes in at most MAX_ENVELOPES_PER_MESSAGE (32).
 */
export const MAX_DEVICES_PER_ACCOUNT = Math.floor((MAX_ENVELOPES_PER_MESSAGE + 1) / 2);

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = {
  signupsPerNetworkPerHour: 30,
  loginsPerAccountNetworkPer15Min: 10,
  loginsPerNetworkPerMinute: 30,
  devicesPerAccount: MAX_DEVICES_PER_ACCOUNT,
  staleDeviceMs: 30 * 86_400_000,
};

/** What sign-in (and standing, appeals) accept: exactly one of the two proofs. */
export interface SignInCredentials {
  username: string;
  authenticator?: string | undefined;
  legacy_secret?: string | undefined;
}

/** Who is calling, once an access token checked out. */
export interface Principal {
  user_hash: string;
  client_hash: string;
}

export interface AccountServiceDeps {
  store: AccountStore;
  hasher: SecretHasher;
  clock: Clock;
  limiter: RateLimiter;
  limits?: Partial<AccountLimits>;
  /** Called before an account is deleted (end its chats with a notice while the records exist). */
  onAccountBeforeDelete?: (user_hash: string) => void | Promise<void>;
  /** Called after an account is deleted, so other parts (caches, queue, sockets) drop it too. */
  onAccountDeleted?: (user_hash: string, client_hashes: string[]) => void | Promise<void>;
  onClientAdded?: (user_hash: string) => void | Promise<void>;
  onClientRevoked?: (principal: Principal) => void | Promise<void>;
  /** Moderation: throws ACCOUNT_BANNED (with the statement of reasons) while a ban holds. */
  standing?: { assertNotBanned(user_hash: string): Promise<void> };
  /** MLBS re-entry and network layers (core/network/network-gate.ts). */
  gate?: Pick<NetworkGate, 'admitSignup' | 'signedUp' | 'admitSignIn' | 'signedIn'>;
}

const SECRET_LENGTH = 64;
const TOKEN_LENGTH = 64;

/** Accounts and clients (DESIGN §4): sign-up, sign-in of a device, token checks, revocation, deletion. */
export class AccountService {
  private readonly limits: AccountLimits;
  private readonly signIns: SignInLimiter;
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AccountServiceDeps) {
    this.limits = { ...DEFAULT_ACCOUNT_LIMITS, ...deps.limits };
    this.limits.devicesPerAccount = Math.min(this.limits.devicesPerAccount, MAX_DEVICES_PER_ACCOUNT);
    this.signIns = new SignInLimiter(deps.limiter, {
      perNetworkPerMinute: this.limits.loginsPerNetworkPerMinute,
      perAccountNetworkPer15Min: this.limits.loginsPerAccountNetworkPer15Min,
    });
  }

  /**
   * Sign-up. The secret is made on the user's device and never sent: `authenticator` is derived
   * from it there (docs/crypto.md), and only its argon2id hash is stored.
   */
  async createAccount(
    input: { username: string; age: unknown; authenticator: string; proof?: SignupProof | undefined },
    networkHash: string,
  ): Promise<CreateAccountResponse> {
    const username = normalizeUsername(input.username);
    if (!username) throw new OmeChatError('USERNAME_INVALID');
    const age = AgeSchema.safeParse(input.age);
    if (!age.success) throw new OmeChatError('AGE_INVALID');
    await this.deps.gate?.admitSignIn(networkHash);
    await this.throttle(`signup:net:${networkHash}`, this.limits.signupsPerNetworkPerHour, 3_600_000);

    const key = usernameKey(username);
    if (await this.deps.store.getUserByUsernameKey(key)) throw new OmeChatError('USERNAME_TAKEN');
    // Checked (and spent) only now, so a taken name does not cost the caller a solved challenge.
    await this.deps.gate?.admitSignup(input.proof, networkHash);
    const user_hash = randomHash();
    const secret_hash = await this.deps.hasher.hash(input.authenticator);
    const created = await this.deps.store.createUser({
      user_hash,
      username,
      username_key: key,
      secret_hash,
      age_at_signup: age.data,
      created_at: this.deps.clock.now(),
      last_seen_day: null,
      secret_kind: 'authenticator',
      legacy_secret: false,
      identity_key: null,
    });
    // The unique index decides races between two sign-ups of the same name.
    if (!created) throw new OmeChatError('USERNAME_TAKEN');
    await this.deps.gate?.signedUp(user_hash, networkHash);
    return { user_hash, username, age: age.data };
  }

  /**
   * Sign-in of a device. A `legacy_secret` account (its secret was once known to the server) gets a
   * client that may only rotate the secret. `identity_key` registers the account's identity key at
   * its first v2 sign-in; a different key than the registered one is refused.
   */
  async addClient(
    input: SignInCredentials & { label?: string | undefined; identity_key?: string | undefined },
    networkHash: string,
  ): Promise<CreateClientResponse> {
    await this.deps.gate?.admitSignIn(networkHash);
    const user = await this.checkCredentials(input, networkHash);
    await this.deps.standing?.assertNotBanned(user.user_hash);
    let identity_key = user.identity_key;
    if (!user.legacy_secret && input.identity_key && identity_key !== input.identity_key) {
      if (identity_key || !(await this.deps.store.setIdentityKey(user.user_hash, input.identity_key)))
        throw new OmeChatError('IDENTITY_KEY_MISMATCH');
      identity_key = input.identity_key;
    }
    await this.deps.gate?.signedIn(user.user_hash, networkHash);

    const access_token = randomAlphanumeric(TOKEN_LENGTH);
    const client_hash = randomHash();
    const record = {
      client_hash,
      user_hash: user.user_hash,
      token_hash: tokenHash(access_token),
      label: input.label ?? null,
      created_at: this.deps.clock.now(),
      last_seen_day: null,
      rotation_only: user.legacy_secret,
    };
    if (!(await this.deps.store.createClient(record, this.limits.devicesPerAccount))) {
      const stale = staleDevice(
        await this.deps.store.listClients(user.user_hash),
        this.deps.clock.now(),
        this.limits.staleDeviceMs,
      );
      // (Revoked by a concurrent sign-in meanwhile: fine, the second create decides.)
      if (stale) await this.revokeClient(stale, stale.client_hash).catch(() => undefined);
      if (!stale || !(await this.deps.store.createClient(record, this.limits.devicesPerAccount)))
        throw new OmeChatError('DEVICE_LIMIT_REACHED');
    }
    // A ban decided meanwhile (another process) revoked the clients it saw; this one it may not have.
    try {
      await this.deps.standing?.assertNotBanned(user.user_hash);
    } catch (e) {
      await this.deps.store.deleteClient(user.user_hash, client_hash);
      throw e;
    }
    await this.deps.onClientAdded?.(user.user_hash);
    return {
      user_hash: user.user_hash,
      client_hash,
      access_token,
      rotation_required: user.legacy_secret,
      identity_key: user.legacy_secret ? null : identity_key,
    };
  }

  /** Registers the account's identity key once (PUT /api/v1/account/identity). */
  async registerIdentity(principal: Principal, identity_key: string): Promise<void> {
    if (await this.deps.store.setIdentityKey(principal.user_hash, identity_key)) return;
    const user = await this.deps.store.getUser(principal.user_hash);
    if (!user) throw new OmeChatError('UNAUTHENTICATED');
    if (user.identity_key !== identity_key) throw new OmeChatError('IDENTITY_KEY_MISMATCH');
  }

  /**
   * Replaces the account's secret (issue 10): proves the current one, stores the new
   * authenticator's hash and identity key, signs out every other client. Also how a legacy account
   * stops being one; its rotation-only client becomes a full one.
   */
  async rotateSecret(principal: Principal, req: RotateSecretRequest): Promise<RotateSecretResponse> {
    await this.throttle(
      `rotate:${principal.user_hash}`,
      this.limits.loginsPerAccountNetworkPer15Min,
      900_000,
    );
    const user = await this.deps.store.getUser(principal.user_hash);
    if (!user) throw new OmeChatError('UNAUTHENTICATED');
    if (!(await this.proofMatches(user, req.old))) throw new OmeChatError('INVALID_CREDENTIALS');
    const revoked = await this.deps.store.rotateSecret({
      user_hash: user.user_hash,
      keep_client: principal.client_hash,
      secret_hash: await this.deps.hasher.hash(req.new_authenticator),
      identity_key: req.identity_key,
    });
    if (!revoked) throw new OmeChatError('UNAUTHENTICATED');
    for (const client_hash of revoked)
      await this.deps.onClientRevoked?.({ user_hash: user.user_hash, client_hash });
    return { signed_out_clients: revoked.length };
  }

  /**
   * Checks username + secret exactly as sign-in does (rate limits, dummy hash for unknown names);
   * also the proof for standing and appeals, which need no client. Does not look at bans.
   */
  async checkCredentials(input: SignInCredentials, networkHash: string): Promise<UserRecord> {
    const username = normalizeUsername(input.username);
    const key = username ? usernameKey(username) : '';
    await this.signIns.admit(key, networkHash);
    const user = username ? await this.deps.store.getUserByUsernameKey(key) : null;
    const ok = await this.proofMatches(user, input);
    if (!user || !ok) throw new OmeChatError('INVALID_CREDENTIALS');
    await this.signIns.succeeded(key, networkHash);
    return user;
  }

  /**
   * Whether `proof` holds for the account: an authenticator for a v2 account, the raw secret for
   * a legacy one (never the other way round: a v2 account's raw secret is not a credential). Exactly
   * one of the two must be given. Runs argon2 even when it cannot match, against a dummy hash, so
   * timing does not tell which names exist or what kind an account is.
   */
  private async proofMatches(
    user: UserRecord | null,
    proof: { authenticator?: string | undefined; legacy_secret?: string | undefined },
  ): Promise<boolean> {
    const legacy = proof.legacy_secret !== undefined;
    const presented = legacy ? proof.legacy_secret! : proof.authenticator;
    const kindOk =
      presented !== undefined &&
      (proof.authenticator === undefined || !legacy) &&
      user?.secret_kind === (legacy ? 'raw' : 'authenticator');
    const hash = kindOk ? user!.secret_hash : await this.getDummyHash();
    const ok = await this.deps.hasher.verify(hash, presented ?? '');
    return kindOk && ok;
  }

  /**
   * Checks a client's access token in constant time; any failure is the same UNAUTHENTICATED. A
   * rotation-only client (legacy sign-in) gets SECRET_ROTATION_REQUIRED unless `rotation` says the
   * caller is one of the few routes it may use.
   */
  async authenticate(client_hash: string, access_token: string, rotation = false): Promise<Principal> {
    const client = await this.deps.store.getClient(client_hash);
    const presented = tokenHash(access_token);
    // Compare even when the client is unknown so both paths cost the same.
    const ok = digestsEqual(client?.token_hash ?? '00'.repeat(32), presented);
    if (!client || !ok) throw new OmeChatError('UNAUTHENTICATED');
    if (client.rotation_only && !rotation) throw new OmeChatError('SECRET_ROTATION_REQUIRED');
    const today = dayString(this.deps.clock.now());
    if (client.last_seen_day !== today) await this.deps.store.touchLastSeen(client_hash, today);
    return { user_hash: client.user_hash, client_hash };
  }

  async listClients(principal: Principal): Promise<ClientInfo[]> {
    const clients = await this.deps.store.listClients(principal.user_hash);
    return clients.map((c) => ({
      client_hash: c.client_hash,
      label: c.label,
      created_at: dayString(c.created_at),
      last_seen_day: c.last_seen_day,
      current: c.client_hash === principal.client_hash,
    }));
  }

  async revokeClient(principal: Principal, client_hash: string): Promise<void> {
    const deleted = await this.deps.store.deleteClient(principal.user_hash, client_hash);
    if (!deleted) throw new OmeChatError('CLIENT_NOT_FOUND');
    await this.deps.onClientRevoked?.({ user_hash: principal.user_hash, client_hash });
  }

  async getAccount(principal: Principal): Promise<AccountInfo> {
    const user = await this.deps.store.getUser(principal.user_hash);
    if (!user) throw new OmeChatError('UNAUTHENTICATED');
    return {
      user_hash: user.user_hash,
      username: user.username,
      age: currentAge(user.age_at_signup, user.created_at, this.deps.clock.now()),
      created_day: dayString(user.created_at),
      legacy_secret: user.legacy_secret,
      identity_key: user.identity_key,
    };
  }

  async deleteAccount(principal: Principal): Promise<void> {
    const clients = (await this.deps.store.listClients(principal.user_hash)).map((c) => c.client_hash);
    await this.deps.onAccountBeforeDelete?.(principal.user_hash);
    await this.deps.store.deleteUser(principal.user_hash);
    await this.deps.onAccountDeleted?.(principal.user_hash, clients);
  }

  private async throttle(key: string, limit: number, windowMs: number): Promise<void> {
    const r = await this.deps.limiter.hit(key, limit, windowMs);
    if (!r.allowed) throw new OmeChatError('RATE_LIMITED', { retryAfterSeconds: r.retryAfterSeconds });
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(randomAlphanumeric(SECRET_LENGTH));
    return this.dummyHash;
  }
}
