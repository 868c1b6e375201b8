import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('logger', () => {
  it('scrubs registered secrets from every line, longest first', () => {
    const out = capture();
    const logger = createLogger({ json: true, stream: out.stream });
    logger.addSecrets(['abc', 'abcdef']);
    logger.info('token abcdef and abc', { url: 'postgres://u:abc@h' });
    const record = JSON.parse(out.text()) as { msg: string; url: string };
    expect(record.msg).toBe('token *** and ***');
    expect(record.url).toBe('postgres://u:***@h');
  });

  it('hides a URL password only inside URLs, so a password that is a plain word stays readable elsewhere', () => {
    const out = capture();
    const logger = createLogger({ json: true, stream: out.stream });
    logger.addSecrets([':stockstream@']);
    logger.info('run stockstream migrate up', { url: 'postgres://stockstream:stockstream@127.0.0.1:5432/stockstream' });
    const record = JSON.parse(out.text()) as { msg: string; url: string };
    expect(record.msg).toBe('run stockstream migrate up');
    expect(record.url).toBe('postgres://stockstream:***@127.0.0.1:5432/stockstream');
  });

  it('honours levels and --quiet', () => {
    const out = capture();
    const logger = createLogger({ json: true, quiet: true, stream: out.stream });
    logger.info('hidden');
    logger.debug('hidden too');
    logger.warn('shown');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'shown' });
  });
});
