import {
  AgeSchema,
  OmeChatError,
  V1ClientKeySchema,
  V1ClientSchema,
  V1UserKeySchema,
  V1UserSchema,
  normalizeUsername,
  parseInput,
  usernameKey,
} from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { SecretHasher } from '../../ports/secret-hasher.js';
import type { ImportedClient, ImportedUser, V1ImportStore } from '../../ports/store.js';
import { tokenHash } from '../token-hash.js';
import {
  emptyTally,
  type ImportPhase,
  type ImportSummary,
  type PhaseTally,
  type SkipReason,
} from './import-tally.js';

/** One top-level property of a v1 file, as a streaming reader yields it. */
export interface V1Entry {
  key: string;
  value: unknown;
}

export interface ImportObserver {
  /** `label` is the entry's hash, or its position when its key is no hash; never a value from the entry. */
  skipped(phase: ImportPhase, label: string, reason: SkipReason, detail?: string): void;
  /** After every entry (the observer throttles what it prints). */
  progress(phase: ImportPhase, tally: PhaseTally): void;
}

export interface V1ImporterDeps {
  store: V1ImportStore;
  hasher: SecretHasher;
  clock: Clock;
  observer: ImportObserver;
  dryRun: boolean;
  /** Clients one account may get from the import; the server's device cap less one, so a sign-in fits. */
  maxClientsPerUser: number;
  batchSize?: number;
}

export const V1_CLIENT_LABEL = 'OmeChat v1';

type PendingUser = Omit<ImportedUser, 'secret_hash'> & { secret: string };

/** Ids as binary strings: half the memory of hex in the per-user indexes kept for the client pass. */
const compact = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
const hexOf = (c: string) => Buffer.from(c, 'latin1').toString('hex');

const describe = (e: unknown): string => {
  if (!(e instanceof OmeChatError)) throw e;
  const issues = e.issues?.map((i) => `${i.path}: ${i.problem}`).join(', ');
  return issues ? `${e.code} (${issues})` : e.code;
};

/**
 * `omechat import-v1` (issue 19): users first, then clients, each streamed in batches. Per user only
 * its id, client count and username key stay in memory (for duplicates and the clients' owners),
 * never an entry. Existing rows count as already imported, so a second run changes nothing.
 */
export class V1Importer {
  private readonly batchSize: number;
  private readonly startedAt: number;
  private readonly users = emptyTally();
  private readonly clients = emptyTally();
  /** Accepted (imported, already there, or would be in a dry run) user -> clients given so far. */
  private readonly accepted = new Map<string, number>();
  private readonly skippedUsers = new Set<string>();
  private readonly nameHolders = new Map<string, string>();
  private readonly seenClients = new Set<string>();

  constructor(private readonly deps: V1ImporterDeps) {
    this.batchSize = deps.batchSize ?? 256;
    this.startedAt = deps.clock.now();
  }

  summary(): ImportSummary {
    return {
      dryRun: this.deps.dryRun,
      users: this.users,
      clients: this.clients,
      ms: this.deps.clock.now() - this.startedAt,
    };
  }

  async importUsers(entries: AsyncIterable<V1Entry>): Promise<void> {
    let batch: PendingUser[] = [];
    const flush = async () => {
      const b = batch;
      batch = [];
      await this.flushUsers(b);
    };
    // A file that breaks off (bad JSON) still gets the entries read before it stored.
    try {
      for await (const entry of entries) {
        const pending = this.readUser(entry, this.users.read++);
        if (pending) batch.push(pending);
        if (batch.length >= this.batchSize) await flush();
        this.deps.observer.progress('users', this.users);
      }
    } finally {
      await flush();
    }
  }

  async importClients(entries: AsyncIterable<V1Entry>): Promise<void> {
    let batch: ImportedClient[] = [];
    const flush = async () => {
      const b = batch;
      batch = [];
      await this.flushClients(b);
    };
    try {
      for await (const entry of entries) {
        const pending = this.readClient(entry, this.clients.read++);
        if (pending) batch.push(pending);
        if (batch.length >= this.batchSize) await flush();
        this.deps.observer.progress('clients', this.clients);
      }
    } finally {
      await flush();
    }
  }

  private skip(phase: ImportPhase, label: string, reason: SkipReason, detail?: string): void {
    const t = phase === 'users' ? this.users : this.clients;
    t.skipped[reason] = (t.skipped[reason] ?? 0) + 1;
    this.deps.observer.skipped(phase, label, reason, detail);
  }

  private readUser({ key, value }: V1Entry, index: number): PendingUser | null {
    if (!V1UserKeySchema.safeParse(key).success) {
      this.skip('users', `entry #${index + 1}`, 'malformed', 'key is not a user hash');
      return null;
    }
    const id = compact(key);
    if (this.accepted.has(id) || this.skippedUsers.has(id)) {
      this.skip('users', key, 'duplicate_key');
      return null;
    }
    let user;
    let username;
    let age;
    try {
      user = parseInput(V1UserSchema, value);
      // Exactly as sign-up checks them (core/accounts/account-service.ts).
      username = normalizeUsername(user.username);
      if (!username) throw new OmeChatError('USERNAME_INVALID');
      const parsedAge = AgeSchema.safeParse(user.age);
      if (!parsedAge.success) throw new OmeChatError('AGE_INVALID');
      age = parsedAge.data;
    } catch (e) {
      this.skippedUsers.add(id);
      this.skip('users', key, 'malformed', describe(e));
      return null;
    }
    const username_key = usernameKey(username);
    const holder = this.nameHolders.get(username_key);
    if (holder !== undefined) {
      this.skippedUsers.add(id);
      this.skip('users', key, 'duplicate_username', `as ${hexOf(holder)}`);
      return null;
    }
    this.nameHolders.set(username_key, id);
    // Taken at once, so a repeat of this hash later in the file is a duplicate even before the flush.
    this.accepted.set(id, 0);
    // v1 kept the age given at sign-up and no date: it becomes the sign-up age as of the import day.
    const created_at = this.startedAt;
    return { user_hash: key, username, username_key, age_at_signup: age, created_at, secret: user.secret };
  }

  private async flushUsers(batch: PendingUser[]): Promise<void> {
    if (batch.length === 0) return;
    const { existing, keyHolders } = await this.deps.store.findUsers(
      batch.map((u) => u.user_hash),
      batch.map((u) => u.username_key),
    );
    const fresh: PendingUser[] = [];
    for (const u of batch) {
      if (existing.has(u.user_hash)) {
        this.users.already++;
        this.accepted.set(compact(u.user_hash), 0);
      } else if (keyHolders.has(u.username_key)) this.refuseUser(u.user_hash, 'username_taken');
      else fresh.push(u);
    }
    if (this.deps.dryRun) {
      for (const u of fresh) this.acceptUser(u.user_hash);
      return;
    }
    // The hasher bounds how many argon2id runs at once (one per core in the CLI).
    const records: ImportedUser[] = await Promise.all(
      fresh.map(async ({ secret, ...u }) => ({ ...u, secret_hash: await this.deps.hasher.hash(secret) })),
    );
    const inserted = await this.deps.store.insertUsers(records);
    // A row not inserted lost a race with a sign-up of the same name while the import ran.
    for (const u of fresh)
      if (inserted.has(u.user_hash)) this.acceptUser(u.user_hash);
      else this.refuseUser(u.user_hash, 'username_taken');
  }

  private acceptUser(user_hash: string): void {
    this.users.imported++;
    this.accepted.set(compact(user_hash), 0);
  }

  private refuseUser(user_hash: string, reason: SkipReason): void {
    this.accepted.delete(compact(user_hash));
    this.skippedUsers.add(compact(user_hash));
    this.skip('users', user_hash, reason);
  }

  private readClient({ key, value }: V1Entry, index: number): ImportedClient | null {
    if (!V1ClientKeySchema.safeParse(key).success) {
      this.skip('clients', `entry #${index + 1}`, 'malformed', 'key is not a client hash');
      return null;
    }
    const id = compact(key);
    if (this.seenClients.has(id)) {
      this.skip('clients', key, 'duplicate_key');
      return null;
    }
    this.seenClients.add(id);
    let client;
    try {
      client = parseInput(V1ClientSchema, value);
    } catch (e) {
      this.skip('clients', key, 'malformed', describe(e));
      return null;
    }
    const owner = compact(client.owner);
    const given = this.accepted.get(owner);
    if (given === undefined) {
      this.skip('clients', key, this.skippedUsers.has(owner) ? 'owner_skipped' : 'orphan_client');
      return null;
    }
    if (given >= this.deps.maxClientsPerUser) {
      this.skip('clients', key, 'device_limit');
      return null;
    }
    this.accepted.set(owner, given + 1);
    return {
      client_hash: key,
      user_hash: client.owner,
      token_hash: tokenHash(client.access_token),
      label: V1_CLIENT_LABEL,
      created_at: this.startedAt,
    };
  }

  private async flushClients(batch: ImportedClient[]): Promise<void> {
    if (batch.length === 0) return;
    const owners = await this.deps.store.findClients(batch.map((c) => c.client_hash));
    const fresh: ImportedClient[] = [];
    for (const c of batch) {
      const owner = owners.get(c.client_hash);
      if (owner === c.user_hash) this.clients.already++;
      else if (owner !== undefined) this.refuseClient(c, 'client_conflict');
      else fresh.push(c);
    }
    if (this.deps.dryRun) {
      this.clients.imported += fresh.length;
      return;
    }
    const inserted = await this.deps.store.insertClients(fresh, this.deps.maxClientsPerUser);
    for (const c of fresh)
      if (inserted.has(c.client_hash)) this.clients.imported++;
      else this.refuseClient(c, 'device_limit');
  }

  private refuseClient(c: ImportedClient, reason: SkipReason): void {
    const owner = compact(c.user_hash);
    this.accepted.set(owner, (this.accepted.get(owner) ?? 1) - 1);
    this.skip('clients', c.client_hash, reason);
  }
}
