#!/usr/bin/env node
// Entry for `npx passerelle …`. The system Node may be older than the project needs (20 on many
// machines), so this plain-JS shim runs src/main.ts with the Node the project installs (the `node`
// package in node_modules), falling back to the current Node when that one is new enough.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
const [major, minor] = process.versions.node.split('.').map(Number);
const currentOk = major > 22 || (major === 22 && minor >= 18);
const node = fs.existsSync(bundled) ? bundled : currentOk ? process.execPath : null;
if (!node) {
  console.error(`passerelle needs Node.js 22.18 or newer (found ${process.version}). Run \`npm install\` in ${root}; it brings its own Node.`);
  process.exit(1);
}
const child = spawn(node, [path.join(root, 'src', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
// The child receives Ctrl-C from the terminal itself; forward only what is sent to us directly.
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
