import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientEntries,
  userEntry,
  v1Hash,
  v1Secret,
  v1User,
  writeV1File,
  type V1TestUser,
} from '@omechat/test-kit';
import type { CliIo } from '../src/cli/admin-cli.js';

/**
 * v1 files with every case issue 19 names: valid users (one with a 32-char v1 secret, one with a
 * full-width name that NFKC folds), malformed entries, a case-insensitive duplicate name, a repeated
 * hash, orphan clients, clients of skipped owners, malformed clients, and one owner over the cap.
 * Run with DEVICES_PER_ACCOUNT=4, so an import gives an account at most 3 clients.
 */
export function v1Scenario() {
  const dir = mkdtempSync(join(tmpdir(), 'omechat-v1-'));
  const alice = v1User('Alice', 16, 2);
  const bob = v1User('bob_v1', 17, 1, 32);
  const wide = v1User('Ｗｉｄｅ Ｎａｍｅ', 30, 0);
  const many = v1User('many devices', 40, 4);
  const valid = [alice, bob, wide, many];

  const underage = v1User('too young', 12, 1);
  const badName = v1User('x', 20, 0);
  const noSecret = v1User('no secret', 20, 0);
  const shortSecret = v1User('short secret', 20, 0, 8);
  const aliceAgain = v1User('ALICE', 22, 1); // later duplicate of Alice (case-insensitive)
  const malformed = [underage, badName, noSecret, shortSecret];

  const users: [string, unknown][] = [
    ...[alice, bob, underage, badName].map(userEntry),
    ['not-a-hash', { age: 20, secret: v1Secret(), username: 'bad key', clients: [] }],
    [v1Hash(), 'a string, not an object'],
    [noSecret.hash, { age: 20, username: noSecret.username, clients: [] }],
    userEntry(shortSecret),
    userEntry(aliceAgain),
    userEntry({ ...alice, username: 'alice repeated hash' }),
    userEntry(wide),
    userEntry(many),
  ];
  const orphan = { hash: v1Hash(), token: v1Secret() };
  const clients: [string, unknown][] = [
    ...valid.flatMap(clientEntries),
    ...underage.clients.map((c): [string, unknown] => [
      c.hash,
      { owner: underage.hash, access_token: c.token },
    ]),
    ...clientEntries(aliceAgain),
    [orphan.hash, { owner: v1Hash(), access_token: orphan.token }],
    [v1Hash(), { owner: alice.hash, access_token: 'short' }],
    [v1Hash(), { owner: 'nobody', access_token: v1Secret() }],
    ['zz', { owner: alice.hash, access_token: v1Secret() }],
    clientEntries(alice)[0]!,
  ];
  const usersFile = join(dir, 'user.json');
  const clientsFile = join(dir, 'client.json');
  writeV1File(usersFile, users);
  writeV1File(clientsFile, clients);

  const everyone: V1TestUser[] = [...valid, ...malformed, aliceAgain];
  return {
    dir,
    usersFile,
    clientsFile,
    valid,
    alice,
    bob,
    wide,
    many,
    underage,
    aliceAgain,
    /** Every secret and token in the files, valid or not: none may appear in plaintext anywhere. */
    plaintexts: [...everyone.flatMap((u) => [u.secret, ...u.clients.map((c) => c.token)]), orphan.token],
    expected: {
      users: {
        read: 12,
        imported: 4,
        skipped: { malformed: 6, duplicate_username: 1, duplicate_key: 1 },
      },
      clients: {
        read: 14,
        imported: 2 + 1 + 3,
        skipped: { device_limit: 1, owner_skipped: 2, orphan_client: 1, malformed: 3, duplicate_key: 1 },
      },
    },
  };
}

export function captureIo(): CliIo & { text(): string } {
  const chunks: string[] = [];
  return { out: (t) => chunks.push(t), err: (t) => chunks.push(t), text: () => chunks.join('') };
}
