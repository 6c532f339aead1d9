import { ConfigError, loadConfig } from '../config.js';
import { startServer } from '../main.js';
import { runAdmin } from './admin-cli.js';
import { readAll, runSecretCommand } from './secret-commands.js';
import { runImportV1 } from './import-v1-cli.js';

const USAGE = `Usage: omechat <command>

Commands:
  serve          Start the OmeChat server (configuration from environment variables; see docs/operations.md)
  admin          Moderation: reports, bans, appeals, moderators, audit ('omechat admin --help')
  new-secret     Make a new account secret on this machine (for the HTTP API by hand; apps do this themselves)
  authenticator  Read a secret from standard input, print the authenticator the server expects for it
  import-v1      Import the original OmeChat's user.json and client.json ('omechat import-v1 --help')
  help           Show this help
`;

/** The `omechat` command line. */
export async function runCli(argv: string[]): Promise<number> {
  const [command = 'help'] = argv;
  switch (command) {
    case 'serve':
      return serve();
    case 'admin':
      return runAdmin(
        argv.slice(1),
        { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
        process.env,
      );
    case 'new-secret':
    case 'authenticator':
      return runSecretCommand(command, {
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
        readStdin: () => readAll(process.stdin),
      });
    case 'import-v1':
      return runImportV1(
        argv.slice(1),
        { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
        process.env,
      );
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`omechat: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function serve(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const server = await startServer(config);
  process.stdout.write(`OmeChat is running at ${server.url} (data in ${config.DATA_DIR})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  server.logger.info('shutting down');
  await server.close();
  return 0;
}
