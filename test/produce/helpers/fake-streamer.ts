/**
 * A local stand-in for Yahoo's websocket streamer: records what clients send (subscriptions) and
 * sends real-format frames, `{"type":"pricing","message":"<base64 protobuf PricingData>"}`, encoded
 * here by hand with the field table of the decoder.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { PRICING_FIELDS, type PricingData } from '../../../src/sources/yahoo-stream/pricing-data.ts';

function varint(value: number, out: number[]): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function encodePricingData(data: PricingData): Buffer {
  const out: number[] = [];
  for (const [number, [name, type]] of PRICING_FIELDS) {
    const value = data[name];
    if (value === undefined) continue;
    if (type === 'string') {
      const bytes = Buffer.from(String(value), 'utf8');
      varint(number * 8 + 2, out);
      varint(bytes.length, out);
      out.push(...bytes);
    } else if (type === 'float') {
      const bytes = Buffer.alloc(4);
      bytes.writeFloatLE(Number(value));
      varint(number * 8 + 5, out);
      out.push(...bytes);
    } else {
      const n = Number(value);
      varint(number * 8, out);
      varint(type === 'sint64' ? (n >= 0 ? n * 2 : -n * 2 - 1) : n, out);
    }
  }
  return Buffer.from(out);
}

export function pricingFrame(data: PricingData): string {
  return JSON.stringify({ type: 'pricing', message: encodePricingData(data).toString('base64') });
}

export interface FakeStreamer {
  url: string;
  /** Text messages received from clients, in order. */
  received: string[];
  /** Connections accepted so far. */
  connections(): number;
  send(frame: string): void;
  /** Drops every client, like a network failure. */
  dropClients(): void;
  close(): Promise<void>;
}

export async function startFakeStreamer(): Promise<FakeStreamer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const clients = new Set<WebSocket>();
  const received: string[] = [];
  let accepted = 0;
  server.on('connection', (socket) => {
    accepted += 1;
    clients.add(socket);
    socket.on('message', (data) => received.push(data.toString()));
    socket.on('close', () => clients.delete(socket));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/?version=2`,
    received,
    connections: () => accepted,
    send: (frame) => {
      for (const client of clients) client.send(frame);
    },
    dropClients: () => {
      for (const client of clients) client.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
