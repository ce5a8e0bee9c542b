// Starts Passerelle the way `npm start` does, for browser tests: build the web app if needed, then
// `node src/main.ts start` on a free port with a fresh data directory; stops it with SIGINT.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export interface RunningApp {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, waiting for it to appear. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * With an external PostgreSQL (DATABASE_URL), each app gets a fresh, empty database on that server, so
 * first-visit set-up can be tested and test files can run in parallel. Falls back to the URL as given
 * when the role may not create databases.
 */
async function freshDatabase(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `psl_e2e_${randomBytes(5).toString('hex')}`;
  try {
    await adminQuery(base, `CREATE DATABASE ${name}`);
  } catch (error) {
    process.stderr.write(`e2e: cannot create a database (${String(error)}); using DATABASE_URL as is\n`);
    return { url: base, drop: async () => {} };
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface StartOptions {
  /** Extra PASSERELLE_* settings for this app, e.g. `{ PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }`. */
  env?: Record<string, string>;
  /** Set PASSERELLE_PUBLIC_URL to the app's own address (OAuth redirects must come back to it). */
  publicUrl?: boolean;
}

/** Builds web/dist if needed, starts the server and waits for /readyz to answer 200. */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  await promisify(execFile)(process.execPath, [join(root, 'scripts', 'ensure-web.mjs')], { cwd: root });

  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'passerelle-e2e-'));
  // Unknown PASSERELLE_* variables stop the server, so only the ones this test means are passed.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('PASSERELLE_') && key !== 'PORT' && key !== 'DATABASE_URL') env[key] = value;
  }
  // No test reaches the public Bluesky Jetstream (the machine may be offline; local PDSes do not federate).
  env.PASSERELLE_BLUESKY_JETSTREAM_URL = 'off';
  Object.assign(env, options.env);
  env.PORT = String(port);
  env.PASSERELLE_DATA_DIR = dataDir;
  if (options.publicUrl) env.PASSERELLE_PUBLIC_URL = `http://127.0.0.1:${port}`;
  const database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null;
  if (database) env.DATABASE_URL = database.url;

  const child = spawn(process.execPath, [join(root, 'src', 'main.ts'), 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited(child);
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`The server exited before it was ready (code ${child.exitCode}):\n${output.slice(-4000)}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server was not ready after 120 s:\n${output.slice(-4000)}`);
    }
    await sleep(200);
  }

  return {
    url,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (Date.now() > until) throw new Error(`${pattern} did not appear in the server output`);
        await sleep(100);
      }
    },
    stop,
  };
}

/** Signs up the first user (the owner) and creates a workspace through the API (the context keeps the cookie); returns its id. */
export async function ownerWithWorkspace(
  context: BrowserContext,
  workspace: string,
  who = { name: 'Lucie Fontaine', email: 'lucie@example.com', password: 'une longue phrase de passe' },
): Promise<string> {
  const signup = await context.request.post('/api/auth/signup', { data: who });
  if (signup.status() !== 201) throw new Error(`sign-up refused: ${signup.status()} ${await signup.text()}`);
  const created = await context.request.post('/api/workspaces', { data: { name: workspace, timezone: 'Europe/Paris', language: 'en' } });
  if (created.status() !== 201) throw new Error(`workspace refused: ${created.status()} ${await created.text()}`);
  return ((await created.json()) as { workspace: { id: string } }).workspace.id;
}

/**
 * Connects a Mastodon channel as a user does: Settings → Channels → Connect Mastodon, the instance's
 * address, OAuth against the instance (a contract fake authorises at once), back on the channels page.
 * channels.test.ts tests that flow step by step; other tests use this.
 */
export async function connectMastodonInUi(page: Page, wid: string, instanceUrl: string): Promise<void> {
  await page.goto(`/w/${wid}/settings/channels`);
  await page.getByRole('button', { name: 'Connect Mastodon' }).click();
  await page.getByRole('textbox', { name: 'Instance address' }).fill(instanceUrl);
  await page.getByRole('button', { name: 'Continue to the instance' }).click();
  await page.waitForURL(/\/settings\/channels\?connected=/);
}

/** Debian's chromium, headless, without background traffic. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
