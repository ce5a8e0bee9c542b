/**
 * Start-up benchmark: time from launching `passerelle start` (as `npm start` does, minus the web build
 * check) to the first `/readyz` 200, on an empty data directory (cold: initdb + migrations) and on an
 * existing one (warm), plus memory after start (PSS) (the Node process, and the embedded
 * PostgreSQL processes separately). Writes bench/results/startup.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Proportional set size: shared pages (PostgreSQL's shared buffers) split between the processes sharing them, so sums are honest. */
function rssKb(pid: number): number {
  try {
    const m = /Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** PIDs of the PostgreSQL processes serving `pgDir` (the postmaster and its children). */
function postgresPids(pgDir: string): number[] {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return [];
  const master = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(master)]).toString().trim().split(/\s+/).filter(Boolean).map(Number);
  return [master, ...children];
}

async function once(dataDir: string): Promise<{ ready_ms: number; node_rss_mb: number; postgres_rss_mb: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PASSERELLE_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(root, 'src/main.ts'), 'start'], { env, stdio: 'ignore' });
  let readyMs = -1;
  while (performance.now() - t0 < 60_000) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) {
        readyMs = performance.now() - t0;
        break;
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  if (readyMs < 0) throw new Error('Passerelle did not become ready within 60 s');
  await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle before reading memory
  const nodeRss = rssKb(child.pid!);
  const pgRss = postgresPids(path.join(dataDir, 'pg')).reduce((a, pid) => a + rssKb(pid), 0);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
  return { ready_ms: Math.round(readyMs), node_rss_mb: +(nodeRss / 1024).toFixed(1), postgres_rss_mb: +(pgRss / 1024).toFixed(1) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cold = [];
const warm = [];
for (let i = 0; i < RUNS; i++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-'));
  cold.push(await once(dir));
  warm.push(await once(dir));
  fs.rmSync(dir, { recursive: true, force: true });
}
const result = {
  benchmark: 'startup',
  runs: RUNS,
  machine: { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  cold_start_ms: { median: median(cold.map((r) => r.ready_ms)), all: cold.map((r) => r.ready_ms) },
  warm_start_ms: { median: median(warm.map((r) => r.ready_ms)), all: warm.map((r) => r.ready_ms) },
  rss_after_start_mb: { node: median(warm.map((r) => r.node_rss_mb)), embedded_postgres: median(warm.map((r) => r.postgres_rss_mb)) },
  at: new Date().toISOString(),
};
fs.writeFileSync(path.join(root, 'bench/results/startup.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
