import pg from 'pg';

/** Advisory lock key held by every running node on one database (distinct from the migrator's). */
const NODE_LOCK_KEY = 7268456;

export class NodeLockError extends Error {
  override name = 'NodeLockError';
}

/**
 * The safety net of DESIGN §11: a node without REDIS_URL runs alone, so it takes a session-level
 * advisory lock EXCLUSIVELY; nodes with REDIS_URL take it SHARED. A second single node, or a single
 * node next to clustered ones (either way round), cannot get the lock and refuses to start: two
 * nodes that cannot see each other would match no one across them and hide each other's messages.
 * The lock lives as long as this one database session (its own connection, outside the pool).
 */
export class NodeLock {
  private constructor(private readonly client: pg.Client) {}

  static async acquire(connectionString: string, mode: 'alone' | 'cluster'): Promise<NodeLock> {
    const client = new pg.Client({ connectionString });
    // A dropped session loses the lock; the pool reports lasting database trouble on its own.
    client.on('error', () => undefined);
    await client.connect();
    const fn = mode === 'alone' ? 'pg_try_advisory_lock' : 'pg_try_advisory_lock_shared';
    const r = await client.query<{ ok: boolean }>(`SELECT ${fn}($1) AS ok`, [NODE_LOCK_KEY]);
    if (r.rows[0]?.ok) return new NodeLock(client);
    await client.end();
    throw new NodeLockError(
      mode === 'alone'
        ? 'Another OmeChat node already uses this PostgreSQL database. Several nodes need REDIS_URL (the bus ' +
            'between them, see docs/operations.md); without it only one node may run on a database.'
        : 'An OmeChat node without REDIS_URL already uses this PostgreSQL database and must run alone. ' +
            'Restart it with REDIS_URL set (see docs/operations.md), then start this node.',
    );
  }

  async release(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
