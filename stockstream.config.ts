// StockStream's config for the docker-compose stack (and `scripts/services up`, which uses the same
// ports and credentials). Every key is optional: `stockstream config` prints the resolved result.
// Secrets are better kept in the environment: INFLUX_TOKEN, DATABASE_URL, GRAFANA_TOKEN.
import { defineConfig } from 'stockstream';

export default defineConfig({
  symbols: ['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'META', 'TSLA'],
  kafka: {
    brokers: ['127.0.0.1:9092'],
    partitions: 4,
    topics: { prices: 'real-time-stock-prices', info: 'stock-general-information' },
  },
  source: { name: 'yahoo', yahoo: { interval: '2s' } },
  windows: {
    allowedLateness: '5s',
    bars: { intervals: ['1m', '5m', '15m'] },
    indicators: { sma: [20, 50], ema: [12, 26], rsi: 14 },
  },
  sinks: { enabled: ['influx', 'postgres'] },
  influx: { url: 'http://127.0.0.1:8086', org: 'stockstream', bucket: 'stocks' },
  postgres: { url: 'postgres://stockstream:stockstream@127.0.0.1:5432/stockstream' },
  grafana: { url: 'http://127.0.0.1:3000' },
});
