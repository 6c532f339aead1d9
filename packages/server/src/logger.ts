import pino, { type Logger } from 'pino';

/**
 * The server's logger. We log events, never request objects: no IP, username, secret, token or
 * message content can reach a log line. The redact list is a second fence for careless future code.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'omechat' },
      redact: {
        paths: [
          'ip',
          'username',
          'secret',
          'access_token',
          'token',
          'authorization',
          'password',
          'body',
          'ciphertext',
          '*.ip',
          '*.username',
          '*.secret',
          '*.access_token',
          '*.authorization',
          '*.body',
          '*.ciphertext',
          'req',
          'headers',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
