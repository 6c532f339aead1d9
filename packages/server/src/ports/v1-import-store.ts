/**
 * Batch writes for `omechat import-v1` (core/v1-import): what is already there, and inserts of
 * many accounts and clients in one transaction each. The old server knew every secret and token,
 * so imported users are legacy accounts (`secret_kind` 'raw', `legacy_secret`: they rotate at their
 * next sign-in) and imported clients are `rotation_only`.
 */
export interface ImportedUser {
  user_hash: string;
  username: string;
  username_key: string;
  /** argon2id PHC string of the raw v1 secret, checked by a legacy sign-in; never the secret. */
  secret_hash: string;
  age_at_signup: number;
  created_at: number;
}

export interface ImportedClient {
  client_hash: string;
  user_hash: string;
  /** SHA-256 hex of the v1 access token; never the token. */
  token_hash: string;
  label: string;
  created_at: number;
}

export interface V1ImportStore {
  /** Which of these users exist, and who holds which of these username keys. */
  findUsers(
    user_hashes: readonly string[],
    username_keys: readonly string[],
  ): Promise<{ existing: Set<string>; keyHolders: Map<string, string> }>;
  /** Inserts in one transaction, skipping collisions (hash or username key); returns those inserted. */
  insertUsers(users: readonly ImportedUser[]): Promise<Set<string>>;
  /** The owner of each of these clients that exists. */
  findClients(client_hashes: readonly string[]): Promise<Map<string, string>>;
  /**
   * Inserts in one transaction each client whose owner holds fewer than `maxPerUser` clients then,
   * skipping collisions; returns those inserted.
   */
  insertClients(clients: readonly ImportedClient[], maxPerUser: number): Promise<Set<string>>;
}
