import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { resolveDatabase, boot, type Role } from './platform/runtime.ts';
import { runMigrations } from './platform/db.ts';
import { createLogger } from './platform/logger.ts';
import { DataDirLocked } from './platform/embedded-pg.ts';

/** The `passerelle` command line: one entry for every role and tool. */

const HELP = `Usage: passerelle <command> [options]

Commands:
  start      Everything in one process (web, API, workers). Starts an embedded PostgreSQL
             under ./data unless DATABASE_URL is set; applies migrations; prints the URL.
  web        The web app and API only (scale-out; needs DATABASE_URL).
  worker     Background jobs only (scale-out; needs DATABASE_URL).
  migrate    Apply database migrations and exit.
  nlp        Batch language/sentiment/toxicity/intent labelling:
             passerelle nlp <language|sentiment|toxicity|intent> [--lang fr|en|auto] < in.txt > out.txt
  help       Show this help.

Configuration is read from the environment; see README.md ("Configuration").`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP + '\n');
    return command ? 0 : 2;
  }
  if (command === 'nlp') {
    // Loaded on demand: the other commands should not pay for the models' code.
    const { runNlpCli } = await import('./modules/insights/insights.cli.ts');
    return runNlpCli(rest, process.stdin, process.stdout);
  }
  if (!['start', 'web', 'worker', 'migrate'].includes(command)) {
    process.stderr.write(`passerelle: unknown command “${command}”.\n\n${HELP}\n`);
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`passerelle: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (command === 'migrate') {
    const { url, embedded } = await resolveDatabase(config, 'migrate', log);
    try {
      const n = await runMigrations(url);
      process.stdout.write(n ? `Applied ${n} migration(s).\n` : 'The database is up to date.\n');
    } finally {
      await embedded?.stop();
    }
    return 0;
  }
  const running = await boot(config, command as Role, log);
  if (running.url) {
    log.info({ url: running.url }, 'Passerelle is ready');
    process.stdout.write(`\n  Passerelle is running at ${running.url}\n  Press Ctrl-C to stop.\n\n`);
  } else {
    log.info('Passerelle worker is ready');
  }
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: string) => {
      signals += 1;
      if (signals > 1) {
        log.warn('Second signal: exiting now.');
        process.exit(130);
      }
      log.info({ signal }, 'shutting down (press Ctrl-C again to force)');
      running.stop().then(() => {
        log.info('stopped cleanly');
        resolve(0);
      }, (err) => {
        log.error({ err }, 'shutdown failed');
        resolve(1);
      });
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Let pino flush, then leave even if a library keeps a timer alive.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err: unknown) => {
    const message = err instanceof DataDirLocked || (err instanceof Error && !err.stack?.includes('node_modules'))
      ? (err as Error).message
      : String((err as Error)?.stack ?? err);
    process.stderr.write(`passerelle: ${message}\n`);
    process.exit(1);
  },
);
