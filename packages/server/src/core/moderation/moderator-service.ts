import { OmeChatError, type ModeratorInfo } from '@omechat/protocol';
import type { Clock } from '../../ports/clock.js';
import type { ModerationStore } from '../../ports/store.js';
import { randomAlphanumeric, randomHash } from '../random-string.js';
import { digestsEqual, tokenHash } from '../token-hash.js';
import type { Actor, AuditLog } from './audit-log.js';

/** `m<32 hex id>.<64 alphanumerics>`: never confusable with a user's `<client_hash>.<token>`. */
const TOKEN = /^m([0-9a-f]{32})\.([A-Za-z0-9]{64})$/;

/**
 * Moderators and their credential: a token of their own (never a user's), shown once when the
 * moderator is added and stored as SHA-256, checked in constant time.
 */
export class ModeratorService {
  constructor(
    private readonly deps: { store: { moderation: ModerationStore }; clock: Clock; audit: AuditLog },
  ) {}

  async add(actor: Actor, name: string): Promise<{ moderator: ModeratorInfo; token: string }> {
    const moderator_id = randomHash(16);
    const secret = randomAlphanumeric(64);
    const created_at = this.deps.clock.now();
    const created = await this.deps.store.moderation.createModerator({
      moderator_id,
      name,
      token_hash: tokenHash(secret),
      created_at,
    });
    if (!created) throw new OmeChatError('MODERATOR_EXISTS');
    await this.deps.audit.record(actor, 'moderator.add', { kind: 'moderator', id: name }, 'moderator added');
    return { moderator: { name, created_at }, token: `m${moderator_id}.${secret}` };
  }

  async remove(actor: Actor, name: string): Promise<void> {
    if (!(await this.deps.store.moderation.deleteModerator(name))) throw new OmeChatError('NOT_FOUND');
    await this.deps.audit.record(
      actor,
      'moderator.remove',
      { kind: 'moderator', id: name },
      'moderator removed',
    );
  }

  async list(): Promise<ModeratorInfo[]> {
    return (await this.deps.store.moderation.listModerators()).map((m) => ({
      name: m.name,
      created_at: m.created_at,
    }));
  }

  /** The moderator a token belongs to; UNAUTHENTICATED for anything else, including user tokens. */
  async authenticate(token: string): Promise<Actor> {
    const m = TOKEN.exec(token);
    const rec = m ? await this.deps.store.moderation.getModerator(m[1]!) : null;
    const ok = digestsEqual(rec?.token_hash ?? '00'.repeat(32), tokenHash(m?.[2] ?? ''));
    if (!rec || !ok) throw new OmeChatError('UNAUTHENTICATED');
    return { kind: 'moderator', name: rec.name };
  }

  /** The actor for a CLI command run `--as NAME` (the operator vouches for who is at the keyboard). */
  async byName(name: string): Promise<Actor> {
    const rec = await this.deps.store.moderation.getModeratorByName(name);
    if (!rec) throw new OmeChatError('NOT_FOUND', { message: `No moderator named ${name}.` });
    return { kind: 'moderator', name: rec.name };
  }
}
