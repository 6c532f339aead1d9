// The server's public API: its one composition root and its configuration. Benchmarks and tools
// start a server through this, never by wiring core services themselves.
export { startServer, type RunningServer, type StartOptions } from './main.js';
export { loadConfig, type Config } from './config.js';
export { Argon2SecretHasher } from './hashing/argon2-secret-hasher.js';
export { Argon2ProcessPool } from './hashing/argon2-process-pool.js';
export type { SecretHasher } from './ports/secret-hasher.js';
export { OPERATOR_ACTOR } from './core/moderation/audit-log.js';
export { runImportV1, type ImportV1Options } from './cli/import-v1-cli.js';
