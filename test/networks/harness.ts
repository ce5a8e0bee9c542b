/**
 * Real-peer harness: the AT Protocol reference servers (PLC + PDS + AppView from @atproto/dev-env) and
 * Passerelle itself started the way `npm start` starts it (its own embedded PostgreSQL in a temporary
 * data directory), driven through its HTTP API like the web app does. Needs PostgreSQL at
 * 127.0.0.1:5432 (for dev-env) and Redis at 127.0.0.1:6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface TestNetworkLike {
  pds: { url: string };
  processAll(): Promise<void>;
  close(): Promise<void>;
  getSeedClient(): {
    createAccount(name: string, params: { email: string; handle: string; password: string }): Promise<{ did: string; accessJwt: string }>;
  };
}

// dev-env is installed only in test/networks; a non-literal specifier keeps the product's typecheck independent of it.
const devEnv = '@atproto/dev-env';

/** Starts PLC + PDS + AppView in a fresh PostgreSQL schema. */
export async function startBlueskyNetwork(): Promise<TestNetworkLike> {
  process.env['REDIS_HOST'] ??= '127.0.0.1:6379';
  const { TestNetwork } = (await import(devEnv)) as { TestNetwork: { create(params: object): Promise<TestNetworkLike> } };
  const schema = `passerelle_${Math.random().toString(36).slice(2).replace(/[0-9]/g, 'x')}`;
  return TestNetwork.create({ dbPostgresUrl: process.env['DB_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres', dbPostgresSchema: schema });
}

/** Calls an XRPC method on the PDS as `token` (for the other accounts' actions in a scenario). */
export async function xrpc<T = Record<string, unknown>>(pds: string, token: string | null, nsid: string, body?: unknown, params?: Record<string, string>): Promise<T> {
  const url = new URL(`/xrpc/${nsid}`, pds);
  for (const [k, v] of Object.entries(params ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${nsid} ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A running Passerelle and a cookie-keeping client for its API. */
export class Passerelle {
  readonly url: string;
  readonly output: string[] = [];
  private cookie = '';
  private readonly child: ChildProcess;
  private readonly dataDir: string;

  private constructor(url: string, child: ChildProcess, dataDir: string) {
    this.url = url;
    this.child = child;
    this.dataDir = dataDir;
    child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
  }

  /** `node src/main.ts start` with a fresh data directory; private addresses allowed (the PDS is on localhost). */
  static async start(): Promise<Passerelle> {
    const root = path.resolve(import.meta.dirname, '../..');
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-net-'));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PASSERELLE_') && k !== 'DATABASE_URL') env[k] = v;
    Object.assign(env, {
      PORT: String(port), PASSERELLE_DATA_DIR: dataDir, PASSERELLE_ALLOW_PRIVATE_NETWORK: '1',
      PASSERELLE_PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn',
      // The local PDS does not federate with the public Jetstream (and this machine has no internet).
      PASSERELLE_BLUESKY_JETSTREAM_URL: 'off',
    });
    const child = spawn(process.execPath, [path.join(root, 'src/main.ts'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = new Passerelle(`http://127.0.0.1:${port}`, child, dataDir);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Passerelle exited:\n${app.output.join('')}`);
      try {
        if ((await fetch(`${app.url}/readyz`)).status === 200) return app;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`Passerelle did not become ready:\n${app.output.join('')}`);
  }

  /** One API call as the signed-in user; returns status and parsed body. */
  async api<T = any>(method: string, url: string, body?: unknown): Promise<{ status: number; data: T }> {
    const res = await fetch(this.url + url, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), origin: this.url },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('psl_session=')) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    let data: unknown = text;
    try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, data: data as T };
  }

  /** Creates the owner account and a workspace; returns the workspace id. */
  async setUp(): Promise<string> {
    const signup = await this.api('POST', '/api/auth/signup', { name: 'Camille', email: 'camille@example.com', password: 'correct horse battery' });
    if (signup.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(signup.data)}`);
    const ws = await this.api('POST', '/api/workspaces', { name: 'Café Passerelle', timezone: 'Europe/Paris', language: 'fr' });
    if (ws.status !== 201) throw new Error(`workspace failed: ${JSON.stringify(ws.data)}`);
    return ws.data.workspace.id as string;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGINT');
      await exited;
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
