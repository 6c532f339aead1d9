import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Six projects: `unit` (npm test: in-process, real SQLite files, real server on an ephemeral port),
// `services` (real PostgreSQL + Redis on this machine), `e2e` (real Chromium), `soak` (long
// floods that measure memory: run alone, one file at a time, so other tests cannot skew RSS),
// `crash` (kill -9 of a server process under load, on SQLite and PostgreSQL) and `fuzz`
// (fast-check against a running server).
// In each, every log line of every server the tests start is scanned when the run ends
// (packages/test-kit/src/run-log-scan.ts): a URL query, IP, token, secret or username fails the run.
const RUN_LOG_SCAN = './packages/test-kit/src/run-log-scan.ts';

// Tests run from sources without a build: the @omechat/* packages' exports list a "source"
// condition (src/*.ts) before their built dist/.
const SOURCE_CONDITIONS = ['source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: SOURCE_CONDITIONS },
  ssr: { resolve: { conditions: SOURCE_CONDITIONS, externalConditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [
            '**/node_modules/**',
            '**/*.services.test.ts',
            '**/*.e2e.test.ts',
            '**/*.soak.test.ts',
            '**/*.crash.test.ts',
            '**/*.fuzz.test.ts',
          ],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['packages/*/src/**/*.services.test.ts', 'packages/*/test/**/*.services.test.ts'],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/**/*.e2e.test.ts'],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'soak',
          include: ['packages/*/test/**/*.soak.test.ts'],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 300_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'crash',
          include: ['packages/*/test/**/*.crash.test.ts'],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 900_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'fuzz',
          include: ['packages/*/test/**/*.fuzz.test.ts'],
          globalSetup: [RUN_LOG_SCAN],
          testTimeout: 900_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
