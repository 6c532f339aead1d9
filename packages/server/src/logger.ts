import pino, { type Logger } from 'pino';
import { scrubLogText, scrubLogValue } from './scrub-log-value.js';

/**
 * The server's logger. We log events, never request objects: no IP, username, secret, token or
 * message content can reach a log line. Three fences for careless future code and for the
 * libraries' own lines: a redact list of field names, an error serializer that keeps only name,
 * code, message and stack (not a raw packet or a URL field), and a scrub of every string that cuts
 * URL queries, IP addresses and token-shaped strings.
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
          'url',
          'path',
          '*.ip',
          '*.username',
          '*.secret',
          '*.access_token',
          '*.authorization',
          '*.body',
          '*.ciphertext',
          '*.url',
          'req',
          'headers',
        ],
        censor: '[redacted]',
      },
      serializers: { err: serializeError },
      formatters: { log: (obj) => scrubLogValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubLogText(a) : a)) as typeof args;
          // pino takes the message of an error logged alone from the error itself.
          if (scrubbed.length === 1 && scrubbed[0] instanceof Error)
            scrubbed.push(scrubLogText(scrubbed[0].message));
          method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

function serializeError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  return {
    type: e.name,
    code: typeof code === 'string' ? code : undefined,
    message: scrubLogText(e.message),
    stack: e.stack === undefined ? undefined : scrubLogText(e.stack),
  };
}

export type { Logger };
