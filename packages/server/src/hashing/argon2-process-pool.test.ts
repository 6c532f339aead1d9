import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { OmeChatError } from '@omechat/protocol';
import { Argon2ProcessPool } from './argon2-process-pool.js';
import { OWASP_ARGON2ID } from './argon2-secret-hasher.js';

// Below the OWASP floor (which config enforces): the bounds do not depend on the cost.
const CHEAP = { memoryCost: 64, timeCost: 1, parallelism: 1 };

const SECRET = 'a'.repeat(64);
let pool: Argon2ProcessPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('Argon2ProcessPool', () => {
  it('hashes with argon2id at the configured cost and verifies in its worker processes', async () => {
    pool = new Argon2ProcessPool({ params: OWASP_ARGON2ID, processes: 1, maxQueue: 4, nice: 0 });
    const phc = await pool.hash(SECRET);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await pool.verify(phc, SECRET)).toBe(true);
    expect(await pool.verify(phc, 'b'.repeat(64))).toBe(false);
    expect(await pool.verify('not a phc string', SECRET)).toBe(false);
  });

  it('runs at most `processes` hashes at once, queues at most `maxQueue`, and refuses the next with SERVICE_BUSY', async () => {
    pool = new Argon2ProcessPool({ params: CHEAP, processes: 2, maxQueue: 3, nice: 0 });
    const phc = await pool.hash(SECRET);
    // All submitted in one tick: no worker can have answered yet, so the counts are exact.
    const accepted = Array.from({ length: 5 }, () => pool!.verify(phc, SECRET));
    expect(pool.stats).toMatchObject({ running: 2, queued: 3 });
    const refused = await pool.verify(phc, SECRET).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OmeChatError);
    expect((refused as OmeChatError).code).toBe('SERVICE_BUSY');
    expect((refused as OmeChatError).status).toBe(503);
    expect((refused as OmeChatError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Every accepted job still gets the right answer, and the pool drains.
    expect(await Promise.all(accepted)).toEqual([true, true, true, true, true]);
    expect(pool.stats).toMatchObject({ running: 0, queued: 0 });
    expect(pool.stats.pids).toHaveLength(2);
  });

  it('runs its workers as separate processes at the configured (lower) priority', async () => {
    pool = new Argon2ProcessPool({ params: CHEAP, processes: 1, maxQueue: 1, nice: 15 });
    await pool.hash(SECRET);
    const [pid] = pool.stats.pids;
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    expect(getPriority(pid!)).toBe(15);
  });

  it('replaces a worker that dies: its job is refused, later jobs still verify', async () => {
    pool = new Argon2ProcessPool({ params: CHEAP, processes: 1, maxQueue: 2, nice: 0 });
    const phc = await pool.hash(SECRET);
    const [pid] = pool.stats.pids;
    const inFlight = pool.verify(phc, SECRET).catch((e: unknown) => e);
    const waiting = pool.verify(phc, SECRET);
    process.kill(pid!, 'SIGKILL');
    const lost = await inFlight;
    // The kill may land after the worker answered; either way no job gets a wrong answer.
    if (lost !== true) expect((lost as OmeChatError).code).toBe('SERVICE_BUSY');
    expect(await waiting).toBe(true);
    expect(pool.stats.pids).not.toContain(pid);
  });

  it('refuses new work once closed and leaves no worker process behind', async () => {
    pool = new Argon2ProcessPool({ params: CHEAP, processes: 1, maxQueue: 1, nice: 0 });
    await pool.hash(SECRET);
    const [pid] = pool.stats.pids;
    await pool.close();
    expect(() => process.kill(pid!, 0)).toThrow();
    await expect(pool.hash(SECRET)).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
  });
});
