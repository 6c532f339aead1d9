// Test helpers shared across packages (server, SDK, web tests). Tests reach them as
// `@omechat/test-kit`, never by a relative path into another package (eslint.config.js).
export * from './test-server.js';
export { appendRunLog, runLogFile, scanLogLines } from './log-scan.js';
export { eventWaits, waitUntil, type EventSource } from './event-waits.js';
export { EVASION_TEST_ENV } from './evasion-test-env.js';
export { solveSignup } from './solve-signup.js';
export * from './spawn-server.js';
export {
  V1FileWriter,
  clientEntries,
  userEntry,
  v1Hash,
  v1Secret,
  v1User,
  writeV1File,
  type V1TestUser,
} from './v1-files.js';
export { startNginxCluster, type NginxCluster } from './nginx-cluster.js';
