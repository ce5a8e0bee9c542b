/**
 * A local Jetstream for contract tests: a minimal RFC 6455 WebSocket server (node:http 'upgrade',
 * unmasked text frames out; close and ping frames in) that records each subscription URL and sends
 * the events a test gives it, shaped like github.com/bluesky-social/jetstream's README
 * (`{did, time_us, kind: 'commit', commit: {rev, operation, collection, rkey, record, cid}}`).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65_536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65_536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

export class FakeJetstream {
  url = '';
  /** Every subscription URL, in order (cursor and wantedCollections are read from them). */
  readonly subscriptions: URL[] = [];
  /** The next `count` upgrade attempts are refused with `status`. */
  refuseNext: { count: number; status: number } | null = null;
  readonly #sockets = new Set<Duplex>();
  #server: http.Server | null = null;

  async start(): Promise<this> {
    this.#server = http.createServer((_req, res) => res.writeHead(426).end('Upgrade Required'));
    this.#server.on('upgrade', (req, socket) => this.#upgrade(req, socket));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/subscribe`;
    return this;
  }

  async stop(): Promise<void> {
    this.dropAll();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  get connections(): number {
    return this.#sockets.size;
  }

  /** Sends one JSON event to every open connection. */
  send(event: object): void {
    const data = frame(0x1, Buffer.from(JSON.stringify(event)));
    for (const s of this.#sockets) s.write(data);
  }

  /** Closes every connection abruptly (no close frame), as a crash or a network cut would. */
  dropAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  /** Resolves once `n` connections are open. */
  async waitForConnections(n: number, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.#sockets.size < n) {
      if (Date.now() > until) throw new Error(`expected ${n} connection(s), have ${this.#sockets.size}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #upgrade(req: http.IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'ws://jetstream.local');
    this.subscriptions.push(url);
    if (this.refuseNext && this.refuseNext.count > 0) {
      this.refuseNext.count--;
      socket.end(`HTTP/1.1 ${this.refuseNext.status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== '/subscribe' || typeof key !== 'string') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.#sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      // Client frames are masked: 2 header bytes, extended length, 4-byte mask, payload.
      while (buffer.length >= 2) {
        const opcode = buffer[0]! & 0x0f;
        let len = buffer[1]! & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + 4 + len) return;
        const mask = buffer.subarray(offset, offset + 4);
        const payload = Buffer.from(buffer.subarray(offset + 4, offset + 4 + len).map((b, i) => b ^ mask[i % 4]!));
        buffer = buffer.subarray(offset + 4 + len);
        if (opcode === 0x8) {
          socket.end(frame(0x8, payload.subarray(0, 2)));
          this.#sockets.delete(socket);
          return;
        }
        if (opcode === 0x9) socket.write(frame(0xa, payload));
      }
    });
    const gone = () => this.#sockets.delete(socket);
    socket.on('close', gone);
    socket.on('error', gone);
  }
}
