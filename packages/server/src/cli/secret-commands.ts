import { authenticatorFromSecret, generateSecret, isV2Secret } from '@omechat/crypto';

export interface SecretCommandIo {
  out(text: string): void;
  err(text: string): void;
  /** All of standard input (the secret is read from there, never from argv: argv shows in `ps`). */
  readStdin(): Promise<string>;
}

/**
 * `omechat new-secret` and `omechat authenticator`: what the SDK does on a user's device, for
 * people who call the HTTP API with curl. The secret stays on the machine that runs them.
 */
export async function runSecretCommand(
  command: 'new-secret' | 'authenticator',
  io: SecretCommandIo,
): Promise<number> {
  if (command === 'new-secret') {
    io.out(`${generateSecret()}\n`);
    return 0;
  }
  const secret = (await io.readStdin()).replace(/[\s-]+/g, '');
  if (!isV2Secret(secret)) {
    io.err('omechat: that is not a valid account secret (64 characters; check for typos)\n');
    return 1;
  }
  io.out(`${authenticatorFromSecret(secret)}\n`);
  return 0;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}
