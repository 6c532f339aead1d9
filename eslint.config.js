import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Tests and benchmarks reach another package through its public entry (`@omechat/*`, shared
    // test helpers through `@omechat/test-kit`), never by a relative path into its src/ or test/.
    files: ['packages/*/test/**/*.{ts,tsx}', 'packages/*/src/**/*.test.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*/src/**', '../../*/test/**', '**/packages/*/src/**', '**/packages/*/test/**'],
              message: 'import another package by its name (@omechat/…; test helpers: @omechat/test-kit)',
            },
          ],
        },
      ],
    },
  },
  {
    // The server core is pure domain: it talks to ports, never to frameworks or drivers.
    files: ['packages/server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fastify',
                '@fastify/*',
                'ws',
                'better-sqlite3',
                'pg',
                'ioredis',
                'pino',
                '**/store/**',
                '**/bus/**',
                '**/http/**',
                '**/ws/**',
              ],
              message: 'core talks to ports only',
            },
          ],
        },
      ],
    },
  },
  {
    // The web app talks to the server only through the SDK's public root export.
    files: ['packages/web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@omechat/protocol', '@omechat/crypto', '@omechat/server', '@omechat/sdk/*'],
              message: 'the web app imports only @omechat/sdk (its root export)',
            },
            {
              group: ['**/sdk/**', '**/protocol/**', '**/crypto/**', '**/server/**'],
              message: 'no relative paths into other packages',
            },
          ],
        },
      ],
    },
  },
  {
    // protocol and crypto run in browsers and in Node: neither Node built-ins nor browser globals.
    files: ['packages/protocol/src/**/*.ts', 'packages/crypto/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'protocol and crypto are platform-neutral' }] },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'indexedDB',
          'Buffer',
          'process',
          'require',
        ].map((name) => ({ name, message: 'protocol and crypto are platform-neutral' })),
      ],
    },
  },
);
