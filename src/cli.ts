/**
 * Declares every command, its flags and help examples. Command modules (and their heavy
 * dependencies: kafkajs, yahoo-finance2, the database clients) load only when that command runs,
 * so `stockstream --help` stays fast.
 */
import { Argument, Command, Option } from 'commander';
import type { CommandRun } from './commands/context.ts';
import { SHELLS } from './completion/scripts.ts';
import { versionLine } from './version.ts';

/** Runs a lazily loaded command; `graceful` commands stop cleanly on the first SIGINT/SIGTERM. */
export type Invoke = <O>(load: () => Promise<{ run: CommandRun<O> }>, options: O, mode?: { graceful?: boolean }) => Promise<void>;

export interface CliOutput {
  writeOut(text: string): void;
  /** Commander's own errors (unknown command, missing argument…), already reduced to one line. */
  writeError(text: string): void;
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

const SOURCES = ['yahoo', 'yahoo-stream', 'replay', 'synthetic'];
const SINKS = ['influx', 'postgres', 'kafka', 'console', 'file'];

export function buildCli(invoke: Invoke, output: CliOutput): Command {
  const program = new Command('stockstream')
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeOut,
      outputError: (text) => output.writeError(text.replace(/^error: /, '').replace(/\n+/g, ' ').trim()),
    })
    .description('Live stock prices into insights: Yahoo Finance → Kafka → event-time windows → InfluxDB, PostgreSQL, Grafana.')
    .version(versionLine(), '-V, --version', 'print the version, Node version and platform')
    .option('-c, --config <path>', 'config file (default: search for stockstream.config.ts and friends)')
    .option('-v, --verbose', 'debug logs and stack traces', false)
    .option('-q, --quiet', 'only warnings and errors', false)
    .option('--json', 'NDJSON logs on stderr and JSON data on stdout', false)
    .option('--no-color', 'no colours (also honours NO_COLOR)')
    .option('--log-file <path>', 'also append logs (NDJSON) to this file')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples([
        'stockstream watch --source synthetic AAPL MSFT',
        'stockstream produce --symbols AAPL,MSFT',
        'stockstream consume --sinks influx,console',
        'stockstream migrate up && stockstream info sync',
        'stockstream doctor',
      ]),
    );

  program
    .command('produce')
    .description('fetch prices from a source and publish them to Kafka, keyed by symbol')
    .option('-s, --symbols <list>', 'comma-separated tickers (default: config symbols)')
    .addOption(new Option('--source <name>', 'where prices come from').choices(SOURCES))
    .option('--interval <duration>', 'yahoo: time between quote polls, like 2s')
    .option('--extended-hours', 'also publish pre- and post-market ticks')
    .option('--backfill <duration>', 'first publish historical bars from this far back, like 2d')
    .option('--backfill-interval <interval>', 'bar size of the backfill: 1m, 2m, 5m…')
    .option('--file <path>', 'replay: NDJSON or CSV file of ticks or bars')
    .option('--speed <x>', 'replay: pace multiplier; 0 = as fast as possible')
    .option('--rate <ticksPerSecond>', 'synthetic: ticks per second over all symbols')
    .option('--seed <n>', 'synthetic: random seed')
    .option('--limit <n>', 'stop after publishing this many ticks')
    .option('--record <file>', 'also append every tick to this NDJSON file (replay it later)')
    .option('--topic <name>', 'Kafka topic (default: kafka.topics.prices)')
    .option('--brokers <list>', 'Kafka brokers, host:port,…')
    .option('--connect-timeout <duration>', 'give up connecting to Kafka after this long')
    .option('--metrics-port <port>', 'serve Prometheus metrics, /healthz and /readyz on this port')
    .option('--metrics-host <address>', 'address the metrics server binds (default 127.0.0.1; 0.0.0.0 for all)')
    .addHelpText(
      'after',
      examples([
        'stockstream produce --symbols AAPL,MSFT',
        'stockstream produce --source synthetic --symbols AAPL,MSFT --rate 1000',
        'stockstream produce --source yahoo-stream --backfill 2d',
        'stockstream produce --source replay --file session.ndjson --speed 10',
        'stockstream produce --record today.ndjson',
        'stockstream produce --metrics-port 9465',
      ]),
    )
    .action((options) => invoke(() => import('./commands/produce.ts'), options, { graceful: true }));

  program
    .command('consume')
    .description('turn ticks from Kafka into bars, indicators and alerts, and write them to sinks')
    .option('--sinks <list>', `comma-separated sinks: ${SINKS.join(', ')}`)
    .option('--group <id>', 'consumer group id (default: kafka.groupId)')
    .option('--topic <name>', 'Kafka topic to read (default: kafka.topics.prices)')
    .option('--brokers <list>', 'Kafka brokers, host:port,…')
    .option('--intervals <list>', 'bar intervals, like 1m,5m,1h')
    .option('--file <path>', 'file sink: NDJSON output path')
    .option('--metrics-port <port>', 'serve Prometheus metrics, /healthz and /readyz on this port')
    .option('--metrics-host <address>', 'address the metrics server binds (default 127.0.0.1; 0.0.0.0 for all)')
    .option('--info', 'also persist the stock-general-information topic into PostgreSQL')
    .option('--connect-timeout <duration>', 'give up connecting to Kafka after this long')
    .addHelpText(
      'after',
      examples([
        'stockstream consume',
        'stockstream consume --sinks influx,postgres,console --intervals 1m,5m,1h',
        'stockstream consume --json --sinks console | jq .',
        'stockstream consume --metrics-port 9464',
      ]),
    )
    .action((options) => invoke(() => import('./commands/consume.ts'), options, { graceful: true }));

  const info = program.command('info').description('stock metadata: sync from Yahoo into PostgreSQL/Kafka, show and list it');
  info
    .command('sync')
    .description('fetch name, sector, market cap, P/E, 52-week range… and store it (safe for cron)')
    .option('-s, --symbols <list>', 'comma-separated tickers (default: config symbols)')
    .option('--to <targets>', 'postgres, kafka, or postgres,kafka', 'postgres')
    .addHelpText('after', examples(['stockstream info sync', 'stockstream info sync --symbols AAPL,MSFT --to postgres,kafka', 'stockstream info sync --quiet   # from cron']))
    .action((options) => invoke(() => import('./commands/info-sync.ts'), options));
  info
    .command('show')
    .description('print the stored metadata of one symbol')
    .argument('<symbol>', 'ticker, like AAPL')
    .addHelpText('after', examples(['stockstream info show AAPL', 'stockstream --json info show AAPL']))
    .action((symbol: string) => invoke(() => import('./commands/info-show.ts'), { symbol }));
  info
    .command('list')
    .description('a table of stored metadata')
    .option('--sector <name>', 'only this sector')
    .option('--industry <name>', 'only this industry')
    .option('--sort <field>', 'symbol, marketCap, trailingPE, forwardPE, name', 'symbol')
    .option('--limit <n>', 'at most this many rows')
    .addHelpText('after', examples(['stockstream info list', 'stockstream info list --sector Technology --sort marketCap']))
    .action((options) => invoke(() => import('./commands/info-list.ts'), options));

  const migrate = program.command('migrate').description('versioned PostgreSQL schema migrations');
  migrate
    .command('up')
    .description('apply pending migrations, each in its own transaction, under an advisory lock')
    .addHelpText('after', examples(['stockstream migrate up', 'DATABASE_URL=postgres://u:p@db:5432/stocks stockstream migrate up']))
    .action(() => invoke(() => import('./commands/migrate.ts'), { action: 'up' as const }));
  migrate
    .command('status')
    .description('list applied and pending migrations; fails if an applied file changed')
    .addHelpText('after', examples(['stockstream migrate status', 'stockstream --json migrate status']))
    .action(() => invoke(() => import('./commands/migrate.ts'), { action: 'status' as const }));

  const dashboards = program.command('dashboards').description('Grafana dashboards and data sources as code');
  dashboards
    .command('generate')
    .description('write grafana/provisioning and grafana/dashboards from the config')
    .option('--out <dir>', 'output directory', 'grafana')
    .addHelpText('after', examples(['stockstream dashboards generate', 'stockstream dashboards generate --out /etc/grafana-stockstream']))
    .action((options) => invoke(() => import('./commands/dashboards-generate.ts'), options));
  dashboards
    .command('push')
    .description('create or update the data sources and dashboards in a running Grafana')
    .option('--url <url>', 'Grafana URL (default: grafana.url)')
    .option('--token <token>', 'service-account token (default: GRAFANA_TOKEN)')
    .option('--folder <name>', 'folder for the dashboards (default: grafana.folder)')
    .addHelpText('after', examples(['GRAFANA_TOKEN=glsa_… stockstream dashboards push', 'stockstream dashboards push --url http://grafana:3000']))
    .action((options) => invoke(() => import('./commands/dashboards-push.ts'), options));

  program
    .command('watch')
    .description('a live table of prices, bars, indicators and alerts in the terminal — no servers needed')
    .argument('[symbols...]', 'tickers (default: config symbols)')
    .addOption(new Option('--source <name>', 'where prices come from').choices(SOURCES))
    .option('--file <path>', 'replay: NDJSON or CSV file')
    .option('--speed <x>', 'replay: pace multiplier; 0 = as fast as possible')
    .option('--rate <ticksPerSecond>', 'synthetic: ticks per second')
    .option('--seed <n>', 'synthetic: random seed')
    .option('--interval <bar>', 'bar size for the sparkline and indicators', '1m')
    .option('--sort <field>', 'symbol, change, volume, price', 'symbol')
    .option('--bars <n>', 'bars in the sparkline', '20')
    .option('--sink', 'also write to the configured sinks')
    .option('--limit <n>', 'stop after this many ticks')
    .option('--web', 'also serve live charts on 127.0.0.1 (the port is in the log line)')
    .option('--port <n>', 'with --web: the port (default 8080; 0 = any free one)')
    .option('--open', 'with --web: open the page in the browser')
    .addHelpText('after', examples(['stockstream watch AAPL MSFT NVDA', 'stockstream watch --web --open AAPL MSFT', 'stockstream watch --source synthetic AAPL MSFT', 'stockstream watch --source replay --file session.ndjson --speed 20']))
    .action((symbols: string[], options) => invoke(() => import('./commands/watch.ts'), { ...options, symbols }, { graceful: true }));

  program
    .command('backtest')
    .description('run the alert rules over history: every firing, counts, and the forward return after each')
    .option('--file <path>', 'history from a replay file (NDJSON or CSV of ticks or bars)')
    .option('-s, --symbols <list>', "with --from/--to: Yahoo's chart bars of these tickers (default: config symbols)")
    .option('--from <time>', 'start of the Yahoo range, like 2026-03-02')
    .option('--to <time>', 'end of the Yahoo range (exclusive)')
    .option('--rules <file>', 'YAML or JSON list of rules to try instead of windows.alerts.rules')
    .option('--horizons <list>', 'forward-return horizons after each firing', '5m,30m,1d')
    .addHelpText('after', examples(['stockstream backtest --file session.ndjson', 'stockstream backtest --symbols AAPL --from 2026-03-02 --to 2026-03-03 --rules try.yaml', 'stockstream --json backtest --file session.ndjson']))
    .action((options) => invoke(() => import('./commands/backtest.ts'), options));

  program
    .command('tail')
    .description('print the records of a topic — without joining or committing for any consumer group')
    .argument('[what]', 'prices (default), bars, indicators, alerts, info, dlq, info-dlq, or a topic name')
    .option('--from-beginning', 'start at the oldest record')
    .option('--since <when>', 'start at this long ago (10m) or at this time (2026-03-02T14:30)')
    .option('--offset <n>', 'start at this offset of --partition; negative: this many before the end of each partition')
    .option('--follow', 'keep printing new records until Ctrl-C (the default on a terminal)')
    .option('--no-follow', 'stop at the end of the topic as it was at the start')
    .option('--count <n>', 'stop after this many records')
    .option('--symbol <list>', 'only these keys, like AAPL,MSFT')
    .option('--partition <list>', 'only these partitions, like 0 or 0,2')
    .addHelpText('after', examples(['stockstream tail', 'stockstream tail bars --symbol AAPL --since 30m', 'stockstream tail dlq --from-beginning --no-follow', 'stockstream --json tail --partition 0 --offset 100 --count 5 | jq .']))
    .action((what: string | undefined, options) => invoke(() => import('./commands/tail.ts'), { ...options, what }));

  const dlq = program.command('dlq').description('dead letters: what landed there and why, and sending them back once fixed');
  const dlqOptions = (command: Command) =>
    command
      .option('--of <topic>', 'whose dead letters: prices (default), info, or a topic name')
      .option('--stage <stage>', 'only this stage: decode, late, future, process, info-decode')
      .option('--since <when>', 'only dead letters written since this long ago (1h) or this time');
  dlqOptions(dlq.command('list').description('dead letters grouped by stage and reason, with counts and the first and last of each'))
    .addHelpText('after', examples(['stockstream dlq list', 'stockstream dlq list --of info --since 1d']))
    .action((options) => invoke(() => import('./commands/dlq-list.ts'), options));
  dlqOptions(dlq.command('show').description('dead letters one by one, like `tail dlq`'))
    .option('--limit <n>', 'at most this many')
    .addHelpText('after', examples(['stockstream dlq show --stage decode --limit 5', 'stockstream --json dlq show --stage late | jq .deadLetter']))
    .action((options) => invoke(() => import('./commands/dlq-show.ts'), options));
  dlqOptions(dlq.command('redrive').description('send the original bytes of chosen dead letters again, once each (asks on a terminal)'))
    .option('--to <topic>', 'send them here instead of the topic they came from')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', examples(['stockstream dlq redrive --stage future', 'stockstream dlq redrive --stage decode --since 2h --to prices-retry --yes']))
    .action((options) => invoke(() => import('./commands/dlq-redrive.ts'), options));

  program
    .command('config')
    .description('print the resolved config (defaults < file < environment < flags), secrets as ***')
    .option('--path', 'print only the config file in use')
    .addHelpText('after', examples(['stockstream config', 'stockstream --json config | jq .kafka', 'stockstream --config prod.config.ts config']))
    .action((options) => invoke(() => import('./commands/config.ts'), options));

  program
    .command('doctor')
    .description('check every configured service (Kafka, InfluxDB, PostgreSQL, Grafana, Yahoo) and say how to fix what fails')
    .option('--timeout <duration>', 'per check', '5s')
    .addHelpText('after', examples(['stockstream doctor', 'stockstream --json doctor']))
    .action((options) => invoke(() => import('./commands/doctor.ts'), options));

  program
    .command('init')
    .description('write a commented starter stockstream.config.ts and .env.example here (never overwrites)')
    .addHelpText('after', examples(['mkdir my-stocks && cd my-stocks && stockstream init']))
    .action(() => invoke(() => import('./commands/init.ts'), {}));

  program
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText('after', examples(['source <(stockstream completion bash)   # in ~/.bashrc', 'source <(stockstream completion zsh)    # in ~/.zshrc', 'stockstream completion fish > ~/.config/fish/completions/stockstream.fish']))
    .action((shell: (typeof SHELLS)[number]) => invoke(() => import('./commands/completion.ts'), { shell, program }));

  return program;
}
