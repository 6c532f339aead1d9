import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATA_DIR).toMatch(/data$/);
    expect(c.TRUST_PROXY).toBe(false);
  });

  it('names every bad variable, never its value', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://secretpw@x',
        ARGON2_MEMORY_KIB: '1024',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const k of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'ARGON2_MEMORY_KIB']) expect(msg).toContain(k);
      expect(msg).not.toContain('secretpw');
    }
  });

  it('takes REDIS_URL with a PostgreSQL database, refuses it on a SQLite file', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL.*DATABASE_URL/);
    const c = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
    expect(c.REDIS_KEY_PREFIX).toBe('omechat:');
  });

  it('parses booleans and numbers', () => {
    const c = loadConfig({ TRUST_PROXY: 'true', PORT: '0', ARGON2_CONCURRENCY: '4' });
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.PORT).toBe(0);
    expect(c.ARGON2_CONCURRENCY).toBe(4);
  });
});
