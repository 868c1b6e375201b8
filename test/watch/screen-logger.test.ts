/** While the table owns the terminal, log lines go to its status line and warnings wait until it is gone. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/ui/logger.ts';
import { createScreenLogger } from '../../src/watch/screen-logger.ts';

describe('screen logger', () => {
  it('shows messages in the status line without secrets, keeps warnings and writes them once released', () => {
    const written: string[] = [];
    const base = createLogger({
      stream: { write: (text: string) => written.push(text) } as unknown as NodeJS.WritableStream,
    });
    const shown: string[] = [];
    const logger = createScreenLogger(base, (text) => shown.push(text), ['s3cret-token']);

    logger.info('connecting with s3cret-token');
    logger.warn('rate limited by Yahoo');
    logger.debug('not shown at info level');
    expect(shown).toEqual(['connecting with ***', 'rate limited by Yahoo']);
    expect(written).toEqual([]);

    logger.release();
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('rate limited by Yahoo');
    logger.error('after the table');
    expect(written[1]).toContain('after the table');
    expect(shown).toHaveLength(2);
  });
});
