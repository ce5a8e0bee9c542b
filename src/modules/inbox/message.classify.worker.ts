import { parentPort } from 'node:worker_threads';
import { loadInsights } from '../insights/index.ts';
import { classifyText } from './message.classify.ts';

/** Worker thread of the ingest classification pool (message.classify.ts): texts in, classifications out. */
const ready = loadInsights();
parentPort!.on('message', async (m: { id: number; texts: string[] }) => {
  try {
    await ready;
    parentPort!.postMessage({ id: m.id, result: m.texts.map(classifyText) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
