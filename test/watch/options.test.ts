/** watch's flags: usage errors that name the flag, and the config adjustments it makes. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { UsageError } from '../../src/errors.ts';
import { LIVELY_RATE_PER_SYMBOL, parseWatchFlags, watchConfig } from '../../src/watch/options.ts';

describe('watch flags', () => {
  it('turns arguments and flags into config overrides and view options', () => {
    const { overrides, view } = parseWatchFlags({
      symbols: ['aapl', 'msft'],
      file: 's.ndjson',
      speed: '10',
      interval: '5m',
      sort: 'volume',
      bars: '30',
      limit: '100',
    });
    expect(overrides.values).toEqual({
      symbols: ['AAPL', 'MSFT'],
      source: { name: 'replay', replay: { file: 's.ndjson', speed: 10 } },
    });
    expect(view).toMatchObject({
      interval: '5m',
      sort: 'volume',
      sparkBars: 30,
      limit: 100,
      sink: false,
      symbolsFromArguments: true,
    });
  });

  it.each([
    [{ sort: 'name' }, /--sort: "name"/],
    [{ bars: '0' }, /--bars: 0 is too small/],
    [{ bars: '500' }, /--bars: 500 is too many/],
    [{ interval: 'soon' }, /--interval: "soon" is not a duration/],
    [{ limit: '1.5' }, /--limit: "1.5" is not a whole number/],
    [{ symbols: ['AAPL', '$$'] }, /"\$\$" is not a ticker symbol/],
  ])('rejects %o with a usage error', (flags, message) => {
    expect(() => parseWatchFlags(flags)).toThrow(UsageError);
    expect(() => parseWatchFlags(flags)).toThrow(message);
  });

  it('--web serves on port 8080 unless --port says otherwise; --port and --open need --web', () => {
    expect(parseWatchFlags({}).view.web).toBeUndefined();
    expect(parseWatchFlags({ web: true }).view.web).toEqual({ port: 8080, open: false });
    expect(parseWatchFlags({ web: true, port: '0', open: true }).view.web).toEqual({ port: 0, open: true });
    expect(() => parseWatchFlags({ port: '9000' })).toThrow(/--port needs --web/);
    expect(() => parseWatchFlags({ open: true })).toThrow(UsageError);
    expect(() => parseWatchFlags({ web: true, port: 'eighty' })).toThrow(/--port/);
  });

  it('watches a configured interval by its configured name, and adds one that is missing', () => {
    const base = configSchema.parse({ windows: { bars: { intervals: ['1m', '1h'] } } });
    const hour = watchConfig(base, parseWatchFlags({ interval: '60m' }).view);
    expect(hour.interval).toBe('1h');
    expect(hour.config.windows.bars.intervals).toEqual(['1m', '1h']);
    const two = watchConfig(base, parseWatchFlags({ interval: '2m' }).view);
    expect(two.interval).toBe('2m');
    expect(two.config.windows.bars.intervals).toEqual(['1m', '1h', '2m']);
  });

  it('makes the synthetic source lively unless --rate or the config chose a rate', () => {
    const symbols = ['AAPL', 'MSFT', 'NVDA'];
    const lively = watchConfig(configSchema.parse({ symbols }), parseWatchFlags({}).view);
    expect(lively.config.source.synthetic.rate).toBe(LIVELY_RATE_PER_SYMBOL * symbols.length);
    const chosen = watchConfig(
      configSchema.parse({ symbols, source: { synthetic: { rate: 5 } } }),
      parseWatchFlags({}).view,
    );
    expect(chosen.config.source.synthetic.rate).toBe(5);
    const flagged = watchConfig(
      configSchema.parse({ symbols, source: { synthetic: { rate: 10 } } }),
      parseWatchFlags({ rate: '10' }).view,
    );
    expect(flagged.config.source.synthetic.rate).toBe(10);
  });
});
