import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/** Generated data files of the original OmeChat (v1): user.json and client.json (docs: V1 formats). */

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const v1Hash = () => randomBytes(64).toString('hex');
export const v1Secret = (length = 64) =>
  Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');

export interface V1TestUser {
  hash: string;
  username: string;
  age: number;
  secret: string;
  clients: { hash: string; token: string }[];
}

export function v1User(username: string, age: number, clients = 1, secretLength = 64): V1TestUser {
  return {
    hash: v1Hash(),
    username,
    age,
    secret: v1Secret(secretLength),
    clients: Array.from({ length: clients }, () => ({ hash: v1Hash(), token: v1Secret(64) })),
  };
}

export const userEntry = (u: V1TestUser): [string, unknown] => [
  u.hash,
  { clients: u.clients.map((c) => c.hash), age: u.age, secret: u.secret, username: u.username },
];

export const clientEntries = (u: V1TestUser): [string, unknown][] =>
  u.clients.map((c) => [c.hash, { owner: u.hash, access_token: c.token }]);

/**
 * Writes `{"key": value, ...}` entry by entry, so a file of any size never exists as one string,
 * and keys may repeat (as a hand-edited file's can).
 */
export class V1FileWriter {
  private readonly fd: number;
  private chunk = '{';
  private first = true;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  add(key: string, value: unknown): void {
    this.chunk += `${this.first ? '' : ','}\n${JSON.stringify(key)}:${JSON.stringify(value)}`;
    this.first = false;
    if (this.chunk.length > 1 << 16) {
      writeSync(this.fd, this.chunk);
      this.chunk = '';
    }
  }

  close(): void {
    writeSync(this.fd, `${this.chunk}\n}\n`);
    closeSync(this.fd);
  }
}

export function writeV1File(path: string, entries: Iterable<[string, unknown]>): void {
  const w = new V1FileWriter(path);
  for (const [k, v] of entries) w.add(k, v);
  w.close();
}
