/** `watch --web`: the feed that follows the watch run and the local server that shows it. */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../ui/logger.ts';
import { indicatorFields, parseWindowSettings, SessionCalendar } from '../windows/index.ts';
import { createWebFeed, type WebFeed } from './feed.ts';
import { openBrowser } from './open.ts';
import { startWebServer, type WebServer } from './server.ts';

export interface WatchWeb {
  feed: WebFeed;
  server: WebServer;
}

export async function startWatchWeb(
  config: Config,
  options: { interval: string; port: number; open: boolean; source: string; logger: Logger },
): Promise<WatchWeb> {
  const settings = parseWindowSettings(config.windows);
  const feed = createWebFeed({
    source: options.source,
    intervals: settings.intervals,
    interval: options.interval,
    calendar: new SessionCalendar(config.windows.timezone),
    fields: indicatorFields(config.windows.indicators),
    // A replay lists the symbols of its file as they come.
    symbols: config.source.name === 'replay' ? [] : config.symbols,
  });
  const server = await startWebServer(feed, options.port);
  options.logger.info(`watch --web: charts at ${server.url}`, { url: server.url });
  if (options.open) openBrowser(server.url, (message) => options.logger.warn(message));
  return { feed, server };
}
