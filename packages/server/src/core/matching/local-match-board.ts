import type { Invitation, MatchBoard } from '../../ports/match-board.js';

/** The board of a node alone, in memory; expired invitations are swept as new ones come in. */
export class LocalMatchBoard implements MatchBoard {
  private readonly open = new Map<string, number>();
  private readonly invitations = new Map<string, Invitation>();

  constructor(private readonly now: () => number) {}

  async setOpen(user_hash: string, tolerance: number): Promise<void> {
    this.open.set(user_hash, tolerance);
  }

  async setClosed(user_hash: string): Promise<void> {
    this.open.delete(user_hash);
  }

  async toleranceOf(user_hash: string): Promise<number | undefined> {
    return this.open.get(user_hash);
  }

  async sampleOpen(max: number): Promise<{ user_hash: string; tolerance: number }[]> {
    const out: { user_hash: string; tolerance: number }[] = [];
    for (const [user_hash, tolerance] of this.open) {
      if (out.length >= max) break;
      out.push({ user_hash, tolerance });
    }
    return out;
  }

  async putInvitation(inv: Invitation): Promise<void> {
    const now = this.now();
    for (const [id, i] of this.invitations) if (i.expiresAt < now) this.invitations.delete(id);
    this.invitations.set(inv.id, inv);
  }

  async takeInvitation(id: string): Promise<Invitation | undefined> {
    const inv = this.invitations.get(id);
    this.invitations.delete(id);
    return inv;
  }
}
