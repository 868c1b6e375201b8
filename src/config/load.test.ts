import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, readEnv } from './env.ts';
import { loadConfig } from './load.ts';
import { redactConfig, redactUrl, secretValues } from './redact.ts';
import { secretPaths } from './schema-walk.ts';

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'stockstream-load-'));
  writeFileSync(join(dir, 'stockstream.config.json'), JSON.stringify(config));
  return dir;
}

describe('config precedence: flags > environment > file > defaults', () => {
  it('takes each key from the strongest layer that sets it', async () => {
    const cwd = dirWith({
      kafka: { partitions: 6, clientId: 'from-file' },
      influx: { bucket: 'file-bucket', org: 'file-org' },
    });
    const env = {
      STOCKSTREAM_KAFKA_PARTITIONS: '8',
      INFLUX_BUCKET: 'env-bucket',
      STOCKSTREAM_INFLUX_BUCKET: 'stockstream-env-bucket',
    };
    const { config } = await loadConfig({ cwd, env, overrides: { kafka: { partitions: 10 } } });
    expect(config.kafka.partitions).toBe(10); // flag beats env and file
    expect(config.influx.bucket).toBe('stockstream-env-bucket'); // STOCKSTREAM_* beats the conventional alias
    expect(config.influx.org).toBe('file-org'); // file beats default
    expect(config.kafka.clientId).toBe('from-file');
    expect(config.kafka.groupId).toBe('stockstream-consumer'); // default
  });

  it('reads lists, numbers and booleans from the environment', async () => {
    const { config } = await loadConfig({
      cwd: dirWith({}),
      env: {
        KAFKA_BROKERS: 'a:9092, b:9093',
        STOCKSTREAM_SYMBOLS: 'aapl,msft',
        STOCKSTREAM_KAFKA_SSL: 'true',
        STOCKSTREAM_SOURCE_SYNTHETIC_RATE: '2500',
      },
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.symbols).toEqual(['AAPL', 'MSFT']);
    expect(config.kafka.ssl).toBe(true);
    expect(config.source.synthetic.rate).toBe(2500);
  });

  it('merges nested objects from a file with defaults instead of replacing them', async () => {
    const { config } = await loadConfig({ cwd: dirWith({ kafka: { topics: { prices: 'ticks' } } }), env: {} });
    expect(config.kafka.topics.prices).toBe('ticks');
    expect(config.kafka.topics.info).toBe('stock-general-information');
  });

  it('names the flag behind a bad override', async () => {
    await expect(
      loadConfig({
        cwd: dirWith({}),
        env: {},
        overrides: { source: { synthetic: { rate: -5 } } },
        overrideOrigins: { 'source.synthetic.rate': '--rate' },
      }),
    ).rejects.toThrow('source.synthetic.rate: -5 is too small — use a number > 0 (from --rate)');
  });
});

describe('environment names', () => {
  it('follows the schema path', () => {
    expect(envName(['kafka', 'clientId'])).toBe('STOCKSTREAM_KAFKA_CLIENT_ID');
    expect(envName(['windows', 'bars', 'intervals'])).toBe('STOCKSTREAM_WINDOWS_BARS_INTERVALS');
    const values = readEnv({ STOCKSTREAM_WINDOWS_BARS_INTERVALS: '1m,1h', NOT_OURS: 'x' });
    expect(values).toEqual([
      { path: ['windows', 'bars', 'intervals'], variable: 'STOCKSTREAM_WINDOWS_BARS_INTERVALS', value: ['1m', '1h'] },
    ]);
  });
});

describe('redaction', () => {
  it('knows every secret in the schema', () => {
    expect(secretPaths().sort()).toEqual(['grafana.token', 'influx.token', 'kafka.sasl.password', 'postgres.url']);
  });

  it('redacts tokens, SASL passwords and URL passwords, and lists the raw secrets for log scrubbing', async () => {
    const { config } = await loadConfig({
      cwd: dirWith({ kafka: { sasl: { mechanism: 'plain', username: 'svc', password: 's3cr3t-sasl' } } }),
      env: { INFLUX_TOKEN: 'tok-123456', DATABASE_URL: 'postgres://u:p%40ss@h:5432/d' },
    });
    const redacted = redactConfig(config);
    expect(redacted.influx?.token).toBe('***');
    expect(redacted.kafka?.sasl?.password).toBe('***');
    expect(redacted.kafka?.sasl?.username).toBe('svc');
    expect(redacted.postgres?.url).toBe('postgres://u:***@h:5432/d');
    expect(config.influx.token).toBe('tok-123456'); // the original is untouched
    expect(secretValues(config)).toEqual(expect.arrayContaining(['tok-123456', 's3cr3t-sasl', ':p@ss@', ':p%40ss@']));
    expect(redactUrl('postgres://h:5432/d')).toBe('postgres://h:5432/d');
  });
});
