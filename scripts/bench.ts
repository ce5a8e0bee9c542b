/**
 * `npm run bench -- <name> [args…]`: runs `bench/<name>.ts`, which writes `bench/results/<name>.json`.
 * `npm run bench` alone lists the benchmarks.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [name, ...rest] = process.argv.slice(2);
const available = fs.readdirSync(path.join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
if (!name || !available.includes(name)) {
  console.error(name ? `No benchmark named “${name}”.` : 'Which benchmark?');
  console.error(`Available: ${available.join(', ')}\nUsage: npm run bench -- <name>`);
  process.exit(2);
}
fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const child = spawn(process.execPath, [path.join(root, 'bench', `${name}.ts`), ...rest], { stdio: 'inherit', cwd: root });
child.on('exit', (code) => process.exit(code ?? 1));
