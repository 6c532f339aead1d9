/**
 * The storage port. Every adapter (SQLite by default, PostgreSQL for many nodes) implements it and
 * passes the same contract suite (store/store-contract.ts). All methods are async so a networked
 * database fits; the SQLite adapter resolves synchronously underneath.
 */
export interface UserRecord {
  user_hash: string;
  username: string;
  username_key: string;
  /** argon2id PHC string; never the secret itself. */
  secret_hash: string;
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
}

export interface AccountStore {
  /** Inserts a user; returns false when the username key is taken (atomically). */
  createUser(user: UserRecord): Promise<boolean>;
  getUser(user_hash: string): Promise<UserRecord | null>;
  getUserByUsernameKey(username_key: string): Promise<UserRecord | null>;
  /** Deletes the user and everything of it (clients, chats, envelopes, keys). */
  deleteUser(user_hash: string): Promise<boolean>;
  createClient(client: ClientRecord): Promise<void>;
  getClient(client_hash: string): Promise<ClientRecord | null>;
  listClients(user_hash: string): Promise<ClientRecord[]>;
  deleteClient(user_hash: string, client_hash: string): Promise<boolean>;
  /** Records the day of a connection for the client and its user. */
  touchLastSeen(client_hash: string, day: string): Promise<void>;
}

export interface Store extends AccountStore {
  close(): Promise<void>;
}
