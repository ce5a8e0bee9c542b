import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

/** The `passerelle` command as an operator runs it: real processes, the embedded PostgreSQL, signals. */
const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/main.ts');

/** The environment without anything Passerelle reads (unknown PASSERELLE_* would stop it), plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PASSERELLE_') && !['PORT', 'HOST', 'DATABASE_URL', 'SMTP_URL', 'LOG_LEVEL'].includes(k)) env[k] = v;
  }
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

type Proc = { child: ChildProcess; output(): string; exit: Promise<number | null>; waitFor(re: RegExp, ms?: number): Promise<void> };

function run(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [main, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => { out += chunk.toString(); for (const l of listeners) l(); };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => { for (const l of listeners) l(); resolve(code); }));
  return {
    child, exit, output: () => out,
    waitFor(re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { listeners.delete(check); reject(new Error(`timed out waiting for ${re}; output:\n${out}`)); }, ms);
        const check = () => {
          if (re.test(out)) { clearTimeout(timer); listeners.delete(check); resolve(); }
          else if (child.exitCode !== null) { clearTimeout(timer); listeners.delete(check); reject(new Error(`exited ${child.exitCode} before ${re}; output:\n${out}`)); }
        };
        listeners.add(check);
        check();
      });
    },
  };
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

/** Pids whose command line mentions `dir` (Linux /proc; empty elsewhere). */
function processesUsing(dir: string): number[] {
  if (!fs.existsSync('/proc')) return [];
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  }).map(Number);
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

describe('passerelle start on a fresh data directory', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-cli-'));
  const running: Proc[] = [];
  after(() => {
    for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(port: number): Promise<Proc> {
    const p = run(['start'], cleanEnv({ PORT: String(port), PASSERELLE_DATA_DIR: dataDir }));
    running.push(p);
    await p.waitFor(new RegExp(`Passerelle is running at http://localhost:${port}\\n`));
    assert.equal(await readyz(port), 200);
    return p;
  }

  async function stop(p: Proc): Promise<void> {
    p.child.kill('SIGINT');
    assert.equal(await p.exit, 0, p.output());
    assert.match(p.output(), /"msg":"stopped cleanly"/);
    assert.ok(!fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'PostgreSQL has stopped (no postmaster.pid)');
    assert.ok(!fs.existsSync(path.join(dataDir, 'passerelle.lock')), 'the data directory lock is released');
    assert.deepEqual(processesUsing(dataDir), [], 'no process is left running on the data directory');
  }

  test('starts, refuses a second start on the same directory, stops cleanly on Ctrl-C, and keeps its data', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const first = await start(port);
    assert.ok(fs.existsSync(path.join(dataDir, 'passerelle.lock')));

    const second = run(['start'], cleanEnv({ PORT: String(await freePort()), PASSERELLE_DATA_DIR: dataDir }));
    running.push(second);
    const code = await second.exit;
    assert.notEqual(code, 0);
    assert.match(second.output(), /already using the data directory/);
    assert.equal(await readyz(port), 200, 'the first one keeps running');

    const signup = await fetch(`http://127.0.0.1:${port}/api/auth/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', password: 'correct horse battery' }),
    });
    assert.equal(signup.status, 201);
    await stop(first);

    const port2 = await freePort();
    const again = await start(port2);
    const setup = await (await fetch(`http://127.0.0.1:${port2}/api/setup`)).json();
    assert.deepEqual(setup, { needsOwner: false });
    await stop(again);
  });
});

describe('passerelle command line', () => {
  test('--help lists the commands and exits 0', async () => {
    const p = run(['--help'], cleanEnv({}));
    assert.equal(await p.exit, 0);
    for (const cmd of ['start', 'web', 'worker', 'migrate']) assert.match(p.output(), new RegExp(`^  ${cmd} `, 'm'), cmd);
  });

  test('an unknown command exits 2 with the help', async () => {
    const p = run(['launch'], cleanEnv({}));
    assert.equal(await p.exit, 2);
    assert.match(p.output(), /unknown command “launch”/);
  });

  test('web without DATABASE_URL exits 1 with one clear line', async () => {
    const p = run(['web'], cleanEnv({ PASSERELLE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-cli-web-')) }));
    assert.equal(await p.exit, 1);
    assert.match(p.output(), /^passerelle: passerelle web runs against an external PostgreSQL: set DATABASE_URL/m);
    assert.doesNotMatch(p.output(), /\n\s+at /, 'no stack trace');
  });

  test('an unknown PASSERELLE_ setting exits 1 naming it', async () => {
    const p = run(['start'], cleanEnv({ PASSERELLE_FOO: '1' }));
    assert.equal(await p.exit, 1);
    assert.match(p.output(), /PASSERELLE_FOO: unknown setting/);
  });
});
