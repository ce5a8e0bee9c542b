import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows written together get
 * neighbouring ids, so a table's primary-key index grows at its right edge instead of touching a random
 * leaf page per insert — with a million messages that is the difference between the index staying in
 * memory and every insert dirtying a different page. Used where ingest writes many rows at once.
 *
 * Within one millisecond, ids from one process still sort by creation: the 12 bits after the version
 * are a counter seeded randomly each millisecond (RFC 9562 §6.2, method 1).
 */
let lastMs = 0;
let counter = 0;
const rand = new Uint8Array(8);

export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    randomFillSync(rand, 0, 2);
    counter = ((rand[0]! << 8) | rand[1]!) & 0x7ff; // leaves room to count up within the millisecond
  } else {
    counter++;
    if (counter > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next one (ids stay ordered and unique).
      lastMs++;
      counter = 0;
    }
  }
  const ms = lastMs;
  randomFillSync(rand);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const timeHigh = Math.floor(ms / 0x10000);
  const timeLow = ms % 0x10000;
  return `${hex(timeHigh, 8)}-${hex(timeLow, 4)}-${hex(0x7000 | counter, 4)}-${hex(0x8000 | (((rand[0]! << 8) | rand[1]!) & 0x3fff), 4)}-${hex((rand[2]! << 24 >>> 0) + (rand[3]! << 16) + (rand[4]! << 8) + rand[5]!, 8)}${hex((rand[6]! << 8) | rand[7]!, 4)}`;
}
