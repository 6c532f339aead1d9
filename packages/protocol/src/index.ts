// First, before any schema is created (see the file).
import './csp-safe-validation.js';

export * from './error-catalogue.js';
export * from './omechat-error.js';
export * from './common-schemas.js';
export * from './atss.js';
export * from './username.js';
export * from './pow-schemas.js';
export * from './account-schemas.js';
export * from './parse-input.js';
export * from './ws-frames.js';
export * from './parse-client-frame.js';
export * from './fast-message-send.js';
export * from './report-reasons.js';
export * from './moderation-schemas.js';
export * from './admin-schemas.js';
export * from './network-ban-schemas.js';
export * from './http-response-schemas.js';
export * from './server-frames.js';
export * from './v1-import-schemas.js';
