import {
  AgeSchema,
  OmeChatError,
  V1ClientSchema,
  V1UserSchema,
  normalizeUsername,
  parseInput,
  usernameKey,
  type V1Client,
} from '@omechat/protocol';

export type ParsedEntry<T> = { ok: true; value: T } | { ok: false; detail: string };

export interface V1UserFields {
  username: string;
  username_key: string;
  age: number;
  secret: string;
}

/** The error code and failing fields, never a value (values may be secrets). */
function detail(e: unknown): string {
  if (!(e instanceof OmeChatError)) throw e;
  const issues = e.issues?.map((i) => `${i.path}: ${i.problem}`).join(', ');
  return issues ? `${e.code} (${issues})` : e.code;
}

/** A user.json entry, username and age checked exactly as sign-up checks them (account-service.ts). */
export function parseV1User(value: unknown): ParsedEntry<V1UserFields> {
  try {
    const user = parseInput(V1UserSchema, value);
    const username = normalizeUsername(user.username);
    if (!username) throw new OmeChatError('USERNAME_INVALID');
    const age = AgeSchema.safeParse(user.age);
    if (!age.success) throw new OmeChatError('AGE_INVALID');
    return {
      ok: true,
      value: { username, username_key: usernameKey(username), age: age.data, secret: user.secret },
    };
  } catch (e) {
    return { ok: false, detail: detail(e) };
  }
}

export function parseV1Client(value: unknown): ParsedEntry<V1Client> {
  try {
    return { ok: true, value: parseInput(V1ClientSchema, value) };
  } catch (e) {
    return { ok: false, detail: detail(e) };
  }
}
