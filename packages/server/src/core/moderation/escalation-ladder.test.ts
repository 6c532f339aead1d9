import { describe, expect, it } from 'vitest';
import { nextBanDuration, sanctionEnd } from './escalation-ladder.js';

describe('escalation ladder', () => {
  it('grows 24h, 7d, 30d, permanent and stays permanent', () => {
    expect([0, 1, 2, 3, 4, 9].map((n) => nextBanDuration(n, 'harassment'))).toEqual([
      '24h',
      '7d',
      '30d',
      'permanent',
      'permanent',
      'permanent',
    ]);
  });

  it('is permanent at once for sexual content involving a minor', () => {
    expect(nextBanDuration(0, 'sexual_content_minor')).toBe('permanent');
  });

  it('computes end times', () => {
    expect(sanctionEnd('24h', 1000)).toBe(1000 + 86_400_000);
    expect(sanctionEnd('30d', 0)).toBe(30 * 86_400_000);
    expect(sanctionEnd('permanent', 5)).toBeNull();
  });
});
