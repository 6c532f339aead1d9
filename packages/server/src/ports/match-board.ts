/** An invitation between two users (browse), until answered or expired. */
export interface Invitation {
  id: string;
  from: string;
  to: string;
  tolerance: number;
  expiresAt: number;
}

/**
 * Who is open to browse and invitations, and the invitations in flight: one node's memory
 * (LocalMatchBoard) or shared by every node (RedisMatchBoard), so browse and invitations work
 * whichever nodes the two users are connected to.
 */
export interface MatchBoard {
  setOpen(user_hash: string, tolerance: number): Promise<void>;
  setClosed(user_hash: string): Promise<void>;
  /** The tolerance an open user accepts, or undefined when not open. */
  toleranceOf(user_hash: string): Promise<number | undefined>;
  /** Up to `max` open users, picked at random when there are more (browse samples from them). */
  sampleOpen(max: number): Promise<{ user_hash: string; tolerance: number }[]>;
  putInvitation(inv: Invitation): Promise<void>;
  /** Removes and returns the invitation (each one is answered once), expired or not. */
  takeInvitation(id: string): Promise<Invitation | undefined>;
}
