// Test helpers shared across packages (server, SDK, web tests). Tests reach them as
// `@omechat/test-kit`, never by a relative path into another package (eslint.config.js).
export { startTestServer, signUp, type TestServer } from './test-server.js';
export { appendRunLog, runLogFile, scanLogLines } from './log-scan.js';
