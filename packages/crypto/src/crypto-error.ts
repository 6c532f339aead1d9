/** Stable codes of every failure the crypto package reports; callers switch on these, never on messages. */
export type CryptoErrorCode =
  | 'invalid_encoding'
  | 'unsupported_version'
  | 'bad_key'
  | 'bad_signature'
  | 'unknown_prekey'
  | 'unknown_profile'
  | 'decrypt_failed'
  | 'replay'
  | 'too_many_skipped'
  | 'session_mismatch'
  | 'identity_mismatch'
  | 'franking_mismatch'
  | 'sender_mismatch'
  | 'too_large'
  | 'bad_argument';

/** The one error type thrown by `@omechat/crypto`. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}
