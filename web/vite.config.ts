import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dev server forwards these to the API started by `npm start` (PORT 3000 by default).
const backend = 'http://localhost:3000';
const proxied = ['/api', '/healthz', '/readyz', '/l'];

/** Vite config for the web app; paths are relative to the repository root, where npm scripts run. */
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: backend }])),
  },
});
