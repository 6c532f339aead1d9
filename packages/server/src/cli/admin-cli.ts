import { parseArgs } from 'node:util';
import { isOmeChatError } from '@omechat/protocol';
import { ConfigError, loadConfig } from '../config.js';
import { createModerationDesk } from '../core/moderation/create-moderation-desk.js';
import { moderationPolicy } from '../moderation-config.js';
import { openStore } from '../open-store.js';
import { systemClock } from '../ports/clock.js';
import { ADMIN_COMMANDS as CORE_COMMANDS, UsageError, type AdminCommand } from './admin-commands.js';
import { NETWORK_COMMANDS } from './admin-network-commands.js';

const ADMIN_COMMANDS: Record<string, AdminCommand> = { ...CORE_COMMANDS, ...NETWORK_COMMANDS };

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `Usage: omechat admin <command> [arguments] [--json] [--help]

Moderation from the server's shell. Works on the database named by the server's configuration
(DATA_DIR or DATABASE_URL, docs/operations.md) through the same core services as the admin API;
a running server applies bans and restrictions made here within MODERATION_SWEEP_MS.

Commands:
${Object.keys(ADMIN_COMMANDS)
  .map((k) => `  ${k}`)
  .join('\n')}

Run 'omechat admin <command> --help' for the options of one command.
`;

/** Splits argv into the command (one or two words) and the rest. */
function findCommand(argv: string[]): { key: string; command: AdminCommand; rest: string[] } | null {
  const two = `${argv[0]} ${argv[1]}`;
  if (ADMIN_COMMANDS[two]) return { key: two, command: ADMIN_COMMANDS[two], rest: argv.slice(2) };
  const one = argv[0] ?? '';
  if (ADMIN_COMMANDS[one]) return { key: one, command: ADMIN_COMMANDS[one], rest: argv.slice(1) };
  return null;
}

/** `omechat admin …`: returns the exit code (0 done, 1 refused, 2 usage or configuration error). */
export async function runAdmin(
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const group = Object.keys(ADMIN_COMMANDS).filter((k) => k.startsWith(`${argv[0]} `));
    const asked = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    if (group.length > 0 && asked) {
      io.out(
        `Commands of 'omechat admin ${argv[0]}':\n${group.map((k) => `  ${ADMIN_COMMANDS[k]!.usage.split('\n')[0]}`).join('\n')}\n`,
      );
      return 0;
    }
    if (asked) {
      io.out(USAGE);
      return 0;
    }
    io.err(`omechat admin: unknown command '${argv.slice(0, 2).join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  const { key, command, rest } = found;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(command.options.map((o) => [o, { type: 'string' as const }])),
      },
    });
  } catch (e) {
    io.err(`omechat admin ${key}: ${(e as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(`${command.usage}\n`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const store = await openStore(config);
  try {
    const desk = createModerationDesk({ store, clock: systemClock, policy: moderationPolicy(config) });
    const flags: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed.values as Record<string, unknown>))
      if (typeof v === 'string') flags[k] = v;
    const result = await command.run({ desk, store, args: parsed.positionals, flags, env });
    io.out(parsed.values.json ? `${JSON.stringify(result.value, null, 2)}\n` : `${result.text}\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`omechat admin ${key}: ${e.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (!isOmeChatError(e)) throw e;
    if (parsed.values.json) io.err(`${JSON.stringify({ error: e.toBody() }, null, 2)}\n`);
    else {
      const issues = e.issues?.map((i) => `\n  ${i.path}: ${i.problem}`).join('') ?? '';
      io.err(`omechat admin ${key}: ${e.code}: ${e.message}${issues}\n`);
    }
    return 1;
  } finally {
    await store.close();
  }
}
