/**
 * The one error catalogue of OmeChat. Every error that crosses the wire (HTTP or WebSocket) has a
 * stable code from this table; clients switch on `code`, never on `message`.
 * Every code must be documented in docs/errors.md (a test checks it).
 */
export const ERROR_CATALOGUE = {
  // Input
  INVALID_INPUT: { status: 400, message: 'The request does not match the expected shape.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the request body as application/json.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  USERNAME_INVALID: {
    status: 400,
    message: "Usernames are 3-32 characters: letters, digits, spaces, and . _ - ' only.",
  },
  USERNAME_TAKEN: { status: 409, message: 'This username is already taken.' },
  AGE_INVALID: { status: 400, message: 'Age must be a whole number from 13 to 120.' },
  TOLERANCE_INVALID: { status: 400, message: 'Tolerance must be a whole number from 0 to 5.' },
  // Authentication
  INVALID_CREDENTIALS: { status: 401, message: 'Username or secret is wrong.' },
  UNAUTHENTICATED: { status: 401, message: 'Missing, malformed, revoked or unknown access token.' },
  FORBIDDEN: { status: 403, message: 'You may not do this.' },
  ACCOUNT_BANNED: { status: 403, message: 'This account is banned.' },
  SECRET_ROTATION_REQUIRED: {
    status: 403,
    message: "This account's secret was made by an older server: replace it with a new one first.",
  },
  SECRET_INVALID: {
    status: 400,
    message:
      'This secret is mistyped: check it, or, for an account made before secrets were made on devices, sign in with the old secret.',
  },
  IDENTITY_KEY_MISMATCH: {
    status: 409,
    message: 'Another identity key is registered for this account.',
  },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Wait a moment and try again.' },
  TOO_MANY_CONNECTIONS: {
    status: 429,
    message: 'Too many connections from your network are waiting to sign in. Try again shortly.',
  },
  DEVICE_LIMIT_REACHED: {
    status: 409,
    message: 'This account has the most devices allowed. Sign out or revoke one first.',
  },
  // Sign-up proof of work and the network layer (MLBS re-entry and network layers)
  PROOF_REQUIRED: {
    status: 428,
    message: 'Sign-up needs a solved challenge: get one from POST /api/v1/accounts/challenge and solve it.',
  },
  PROOF_INVALID: { status: 400, message: 'The sign-up challenge was not solved, or not for this network.' },
  PROOF_REUSED: { status: 409, message: 'This sign-up challenge was already used; get a new one.' },
  PROOF_EXPIRED: { status: 410, message: 'This sign-up challenge has expired; get a new one.' },
  NETWORK_BANNED: {
    status: 403,
    message: 'Your network is blocked from this service for a while. Try again later.',
  },
  // Probation and behaviour limits
  ON_PROBATION: {
    status: 403,
    message: 'New accounts can only use "find a stranger" for their first days and chats.',
  },
  NEXT_COOLDOWN: {
    status: 429,
    message: 'You skipped many people in a short time. Take a short break before the next chat.',
  },
  // Resources
  NOT_FOUND: { status: 404, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'There is no such route.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed here.' },
  CLIENT_NOT_FOUND: { status: 404, message: 'No such client on this account.' },
  // Chats and messaging
  CHAT_NOT_FOUND: { status: 404, message: 'No such chat, or it has ended.' },
  NOT_IN_CHAT: { status: 403, message: 'You share no chat with that user.' },
  BUNDLE_NOT_FOUND: { status: 404, message: 'That device has no prekey bundle.' },
  ALREADY_IN_CHAT: { status: 409, message: 'You are already in a chat; leave it or press next first.' },
  INVITATION_NOT_FOUND: { status: 404, message: 'No such invitation, or it has expired.' },
  PENDING_QUOTA_EXCEEDED: {
    status: 429,
    message: 'A device of this chat has too many undelivered messages. Try again once it has caught up.',
  },
  PREKEY_QUOTA_EXCEEDED: {
    status: 409,
    message: 'This device already stores the most one-time prekeys allowed.',
  },
  // Moderation
  REPORT_INVALID: {
    status: 422,
    message: 'The reported messages did not verify as sent to you by this chat partner; nothing was stored.',
  },
  REPORT_DUPLICATE: { status: 409, message: 'You have already reported this chat.' },
  REPORT_LIMIT_REACHED: { status: 429, message: 'You have sent as many reports as allowed for today.' },
  ACCOUNT_RESTRICTED: {
    status: 403,
    message: 'This account is restricted: it cannot start new chats for now.',
  },
  APPEAL_EXISTS: { status: 409, message: 'This decision has already been appealed.' },
  APPEAL_WINDOW_CLOSED: { status: 410, message: 'The time to appeal this decision is over.' },
  ALREADY_DECIDED: { status: 409, message: 'This has already been decided.' },
  MODERATOR_EXISTS: { status: 409, message: 'A moderator with this name exists.' },
  // WebSocket
  AUTH_REQUIRED: { status: 401, message: 'Authenticate with an auth frame first.' },
  AUTH_TIMEOUT: { status: 401, message: 'No auth frame arrived in time.' },
  ALREADY_AUTHENTICATED: { status: 409, message: 'This connection is already authenticated.' },
  INVALID_FRAME: { status: 400, message: 'The frame is not valid.' },
  FRAME_TOO_LARGE: { status: 413, message: 'The frame is too large.' },
  SLOW_CONSUMER: { status: 503, message: 'The connection could not keep up and was closed.' },
  INVALID_SERVER_FRAME: {
    status: 502,
    message: 'The server sent something this app does not accept; it was ignored.',
  },
  // Server
  SERVICE_BUSY: { status: 503, message: 'The server is busy. Try again shortly.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  INTERNAL: { status: 500, message: 'Something went wrong on the server.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/**
 * Codes kept in the catalogue (and docs/errors.md, marked "Reserved") that no path sends yet; a
 * test checks that every other code is sent by some path of the server.
 */
export const RESERVED_CODES: readonly ErrorCode[] = [];
