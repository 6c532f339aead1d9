import { describe, expect, it } from 'vitest';
import { MemoryNetworkState } from './memory-network-state.js';

const ban = (id: string, network_hash: string, ends_at: number) => ({
  ban_id: id,
  network_hash,
  report_id: 'r'.repeat(32),
  created_at: 0,
  ends_at,
  moderator: 'mod',
  reason: 'a reason for it',
});

describe('MemoryNetworkState', () => {
  it('spends a challenge once until it expires, and refuses rather than forgets a live one when full', async () => {
    let t = 1_000_000;
    const s = new MemoryNetworkState({ now: () => t }, { spent: 2, scores: 10, networks: 10, bans: 10 });
    expect(await s.spendChallenge('a', t + 1000)).toBe(true);
    expect(await s.spendChallenge('a', t + 1000)).toBe(false);
    expect(await s.spendChallenge('b', t + 5000)).toBe(true);
    await expect(s.spendChallenge('c', t + 1000)).rejects.toMatchObject({ code: 'SERVICE_BUSY' });
    t += 2000; // 'a' expired: its room is reused
    expect(await s.spendChallenge('c', t + 1000)).toBe(true);
    expect(await s.spendChallenge('b', t + 1000)).toBe(false);
  });

  it('decays scores by their half-life and caps how many it keeps', async () => {
    let t = 0;
    const s = new MemoryNetworkState({ now: () => t }, { spent: 10, scores: 2, networks: 10, bans: 10 });
    expect(await s.bump('x', 4, 1000)).toBe(4);
    t += 1000;
    expect(await s.score('x', 1000)).toBeCloseTo(2);
    expect(await s.bump('x', 1, 1000)).toBeCloseTo(3);
    await s.bump('y', 1, 1000);
    await s.bump('z', 1, 1000); // over the cap: the oldest ('x') is forgotten
    expect(await s.score('x', 1000)).toBe(0);
    expect(await s.score('z', 1000)).toBe(1);
  });

  it('ends network bans and forgets account networks by themselves', async () => {
    let t = 0;
    const s = new MemoryNetworkState({ now: () => t });
    await s.addBan(ban('b1', 'net', 5000));
    await s.rememberNetwork('user', 'net', 3000);
    expect((await s.banOf('net'))?.ban_id).toBe('b1');
    expect(await s.networkOf('user')).toBe('net');
    t = 3000;
    expect(await s.networkOf('user')).toBeNull();
    t = 5000;
    expect(await s.banOf('net')).toBeNull();
    expect(await s.listBans()).toEqual([]);
  });
});
