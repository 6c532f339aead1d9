import { V1ClientKeySchema, V1UserKeySchema } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { SecretHasher } from '../../ports/secret-hasher.js';
import type { ImportedClient, ImportedUser, V1ImportStore } from '../../ports/store.js';
import { tokenHash } from '../token-hash.js';
import { parseV1Client, parseV1User } from './parse-v1-entry.js';
import {
  SKIP_REASONS,
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
  /** Entries per transaction (tests); by default 64 users (a bar that moves at argon2 speed), 512 clients. */
  batchSize?: number;
}

export const V1_CLIENT_LABEL = 'OmeChat v1';

type PendingUser = Omit<ImportedUser, 'secret_hash'> & { secret: string };

/** Ids as binary strings: half the memory of hex in the per-user indexes kept for the client pass. */
const compact = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
const hexOf = (c: string) => Buffer.from(c, 'latin1').toString('hex');

/**
 * `omechat import-v1` (issue 19): users first, then clients, each streamed in batches. Per user only
 * its id, client count and username key stay in memory (for duplicates and the clients' owners),
 * never an entry. Existing rows count as already imported, so a second run changes nothing.
 */
export class V1Importer {
  private readonly startedAt: number;
  private readonly users = emptyTally();
  private readonly clients = emptyTally();
  /** Accepted (imported, already there, or would be in a dry run) user -> clients given so far. */
  private readonly accepted = new Map<string, number>();
  private readonly skippedUsers = new Map<string, SkipReason>();
  private readonly nameHolders = new Map<string, string>();
  private readonly seenClients = new Set<string>();

  constructor(private readonly deps: V1ImporterDeps) {
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

  importUsers(entries: AsyncIterable<V1Entry>): Promise<void> {
    return this.pass(
      'users',
      entries,
      (e, i) => this.readUser(e, i),
      (b) => this.flushUsers(b),
    );
  }

  importClients(entries: AsyncIterable<V1Entry>): Promise<void> {
    return this.pass(
      'clients',
      entries,
      (e, i) => this.readClient(e, i),
      (b) => this.flushClients(b),
    );
  }

  /** One file: entries are checked as they come and written a batch at a time. */
  private async pass<T>(
    phase: ImportPhase,
    entries: AsyncIterable<V1Entry>,
    read: (entry: V1Entry, index: number) => T | null,
    write: (batch: T[]) => Promise<void>,
  ): Promise<void> {
    const tally = phase === 'users' ? this.users : this.clients;
    let batch: T[] = [];
    const flush = async () => {
      const b = batch;
      batch = [];
      if (b.length > 0) await write(b);
    };
    // A file that breaks off (bad JSON) still gets the entries read before the break stored.
    try {
      for await (const entry of entries) {
        const pending = read(entry, tally.read++);
        if (pending) batch.push(pending);
        if (batch.length >= (this.deps.batchSize ?? (phase === 'users' ? 64 : 512))) await flush();
        this.deps.observer.progress(phase, tally);
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
    const parsed = parseV1User(value);
    if (!parsed.ok) {
      this.skippedUsers.set(id, 'malformed');
      this.skip('users', key, 'malformed', parsed.detail);
      return null;
    }
    const { username, username_key, age, secret } = parsed.value;
    const holder = this.nameHolders.get(username_key);
    if (holder !== undefined) {
      this.skippedUsers.set(id, 'duplicate_username');
      this.skip('users', key, 'duplicate_username', `as ${hexOf(holder)}`);
      return null;
    }
    this.nameHolders.set(username_key, id);
    // Taken at once, so a repeat of this hash later in the file is a duplicate even before the flush.
    this.accepted.set(id, 0);
    // v1 kept the age given at sign-up and no date: it becomes the sign-up age as of the import day.
    const created_at = this.startedAt;
    return { user_hash: key, username, username_key, age_at_signup: age, created_at, secret };
  }

  private async flushUsers(batch: PendingUser[]): Promise<void> {
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
    this.skippedUsers.set(compact(user_hash), reason);
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
    const parsed = parseV1Client(value);
    if (!parsed.ok) {
      this.skip('clients', key, 'malformed', parsed.detail);
      return null;
    }
    const client = parsed.value;
    const owner = compact(client.owner);
    const given = this.accepted.get(owner);
    if (given === undefined) {
      const ownerSkipped = this.skippedUsers.get(owner);
      if (ownerSkipped) this.skip('clients', key, 'owner_skipped', SKIP_REASONS[ownerSkipped]);
      else this.skip('clients', key, 'orphan_client');
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
