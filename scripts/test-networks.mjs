#!/usr/bin/env node
// Runs the real-peer network tests (test/networks/**/*.test.ts) with the project's Node (>= 22).
//
// Needs, on this machine: PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) and Redis at
// 127.0.0.1:6379 (override with DB_POSTGRES_URL and REDIS_HOST). The Bluesky reference servers
// (@atproto/dev-env) are installed into test/networks/node_modules on first run, kept out of the
// product's dependencies. better-sqlite3 (used by the PDS) is pinned to 13 by test/networks/package.json
// (Node-API, prebuilt binaries; 12 aborts on Node >= 24.19). Should its binary not load, it is rebuilt
// for the running Node, with headers from the npm registry package node-<platform>-<arch> when the
// Node in use has none.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'networks');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`test:networks needs Node >= 22 (found ${process.version}); run it with npm run test:networks so the project's Node is used.`);
  process.exit(1);
}

// npm and node-gyp must run under this Node so native addons match its ABI.
const env = {
  ...process.env,
  PATH: [path.dirname(process.execPath), path.join(root, 'node_modules', '.bin'), process.env.PATH].join(path.delimiter),
  REDIS_HOST: process.env.REDIS_HOST ?? '127.0.0.1:6379',
  DB_POSTGRES_URL: process.env.DB_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
};

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: dir, env, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`test:networks: "${cmd} ${args.join(' ')}" failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

/** A folder with this Node's C headers (include/node), fetched from the registry if needed. */
function nodeHeaders() {
  const own = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(own, 'include', 'node', 'node_version.h'))) return own;
  const pkg = `node-${process.platform}-${process.arch}@${process.versions.node}`;
  const target = path.join(dir, '.node-headers', process.versions.node);
  if (!existsSync(path.join(target, 'package', 'include', 'node', 'node_version.h'))) {
    mkdirSync(target, { recursive: true });
    console.log(`test:networks: fetching headers for Node ${process.versions.node} (${pkg})`);
    run('npm', ['pack', pkg, '--silent', '--pack-destination', target]);
    const tgz = readdirSync(target).find((f) => f.endsWith('.tgz'));
    if (!tgz) {
      console.error(`test:networks: npm pack ${pkg} produced no archive`);
      process.exit(1);
    }
    execFileSync('tar', ['xzf', tgz, 'package/include', 'package/package.json'], { cwd: target });
  }
  return path.join(target, 'package');
}

function sqliteLoads() {
  const probe = "require('better-sqlite3')(':memory:').prepare('select 1').get()";
  return spawnSync(process.execPath, ['-e', probe], { cwd: dir, env, stdio: 'ignore' }).status === 0;
}

const installed = existsSync(path.join(dir, 'node_modules', '@atproto', 'dev-env', 'package.json'));
if (!installed || !sqliteLoads()) {
  const nodedir = nodeHeaders();
  const buildEnv = { ...env, npm_config_nodedir: nodedir };
  if (!installed) {
    console.log('test:networks: installing @atproto/dev-env into test/networks (about a minute)');
    run('npm', ['ci', '--no-audit', '--no-fund', `--nodedir=${nodedir}`], { env: buildEnv });
  }
  if (!sqliteLoads()) {
    console.log(`test:networks: rebuilding better-sqlite3 for Node ${process.versions.node}`);
    run('npm', ['rebuild', 'better-sqlite3', `--nodedir=${nodedir}`], { env: buildEnv });
  }
  if (!sqliteLoads()) {
    console.error('test:networks: better-sqlite3 still does not load with this Node');
    process.exit(1);
  }
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}
const pg = new URL(env.DB_POSTGRES_URL);
const [redisHost, redisPort] = env.REDIS_HOST.split(':');
if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) {
  console.error(`test:networks: PostgreSQL is not reachable at ${pg.host} (DB_POSTGRES_URL). Start it, e.g. pg_ctlcluster --skip-systemctl-redirect <version> main start`);
  process.exit(1);
}
if (!(await reachable(redisHost ?? '127.0.0.1', Number(redisPort ?? 6379)))) {
  console.error(`test:networks: Redis is not reachable at ${env.REDIS_HOST} (REDIS_HOST). Start it, e.g. redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`);
  process.exit(1);
}

// One file at a time: each boots its own PLC + PDS + AppView.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', 'test/networks/**/*.test.ts'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
