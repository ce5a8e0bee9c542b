// Builds the web app (web/dist) when it is missing or older than its sources; otherwise returns at once.
// Plain ESM JavaScript so it runs on any Node >= 20 before the TypeScript server starts (`npm start`).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const web = join(root, 'web');
const builtIndex = join(web, 'dist', 'index.html');
const skipped = new Set([join(web, 'dist'), join(web, 'node_modules')]);

/** Newest modification time (ms) of any file under `dir`, skipping build output. */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skipped.has(path)) continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestUnder(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function staleReason() {
  if (!existsSync(builtIndex)) return 'no build yet';
  const built = statSync(builtIndex).mtimeMs;
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock) && statSync(lock).mtimeMs > built) return 'dependencies changed';
  if (newestUnder(web) > built) return 'sources changed';
  return null;
}

const reason = staleReason();
if (reason) {
  const started = performance.now();
  process.chdir(root); // the Vite config's paths are relative to the repository root
  const { build } = await import('vite');
  await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'error' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`web: built ${relative(root, join(web, 'dist'))} in ${seconds}s (${reason})`);
}
