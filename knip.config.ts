import type { KnipConfig } from 'knip';

// Dead code and unused dependencies (`npm run lint` runs `knip`): files nothing reaches, exports
// nothing imports, dependencies no file uses and imports of packages a package.json does not list.
// Entries are what runs on its own: the packages' exports (from package.json), the server's bin,
// tests, the benchmarks and the processes they spawn by path, the web app's page. A package's root
// export is its public API and is not reported; an export anywhere else that nothing imports is.
const config: KnipConfig = {
  // An export the file itself uses is not dead code, only a wider surface than needed.
  ignoreExportsUsedInFile: true,
  // The drain bench (scenario 11) makes its PostgreSQL databases with the system's psql.
  ignoreBinaries: ['psql'],
  workspaces: {
    '.': {
      entry: [
        // Spawned by path (`node --import tsx <file>`), or run alone (import-v1-bench).
        'bench/load/{load-generator,login-storm,matching-worker,run-*-job}.ts',
        'bench/servers/*-relay-server.ts',
        'bench/servers/memory-probe.mjs',
        'bench/import-v1/{import-v1-bench,run-import}.ts',
        'bench/**/*.test.ts',
      ],
      project: ['bench/**/*.{ts,mjs}', '*.{js,ts}'],
    },
    'packages/server': {
      entry: ['src/**/*.test.ts', 'test/**/*.ts'],
      project: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'bin/*.js'],
    },
    'packages/sdk': {
      // Workers are started by URL (`new Worker(new URL(...))`), which no import names.
      entry: ['src/pow-web-worker.ts', 'src/node/pow-worker-thread.mjs'],
      project: ['src/**/*.{ts,mjs}', 'test/**/*.ts'],
    },
    'packages/crypto': {
      project: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    },
    'packages/protocol': {
      project: ['src/**/*.ts'],
    },
    'packages/test-kit': {
      project: ['src/**/*.ts'],
    },
    'packages/web': {
      entry: ['index.html'],
      project: ['src/**/*.{ts,tsx}', 'test/**/*.ts'],
    },
  },
};

export default config;
