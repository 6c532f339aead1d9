/** Slow password-style hashing (argon2id in production) behind a port, run off the event loop. */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  verify(hash: string, secret: string): Promise<boolean>;
}
