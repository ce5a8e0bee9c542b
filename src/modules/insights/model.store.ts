/**
 * Loads the shipped model files once, lazily, and keeps them in memory. A missing or corrupt file
 * throws a clear error naming the file and how to rebuild it (`npm run train -- <task>`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LinearModel, decodeModel } from './model.linear.ts';
import type { ModelLanguage } from './insights.types.ts';

export const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'models');

export type ModelTask = 'sentiment' | 'toxicity' | 'intent';

const cache = new Map<string, LinearModel>();

/** The trained model for a task and language (loaded on first use, then cached). */
export function getModel(task: ModelTask, lang: ModelLanguage): LinearModel {
  return getModelFile(`${task}-${lang}`);
}

/** A model by file name (without `.bin`), e.g. `language`. */
export function getModelFile(name: string): LinearModel {
  let m = cache.get(name);
  if (!m) {
    const file = join(MODEL_DIR, `${name}.bin`);
    try {
      m = decodeModel(readFileSync(file));
    } catch (e) {
      throw new Error(`cannot load insights model ${file} (${(e as Error).message}); rebuild it with: npm run train -- ${name}`);
    }
    cache.set(name, m);
  }
  return m;
}
