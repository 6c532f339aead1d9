/** The Redis of the services tests: TEST_REDIS_URL (a DB index of your own), default DB 0. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
