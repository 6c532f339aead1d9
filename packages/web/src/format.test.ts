import { describe, expect, it } from 'vitest';
import { endDate, endedText } from './format.js';

describe('endedText', () => {
  it('says a chat closed by the service was closed, never that the partner left', () => {
    expect(endedText('closed', 'kim')).toBe('This chat was closed by OmeChat.');
    expect(endedText('closed', 'kim')).not.toContain('kim');
    expect(endedText('left', 'kim')).toBe('kim left the chat.');
    expect(endedText('blocked', 'kim')).toContain('blocked');
  });

  it('a strike without an end has no end date', () => {
    expect(endDate(null)).toBe('no end date');
    expect(endDate(Date.UTC(2027, 0, 2, 12))).toMatch(/2027/);
  });
});
