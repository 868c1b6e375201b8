/**
 * Market overview: every symbol at a glance — latest price with a sparkline, change %, traded
 * volume — and the latest alerts. Clicking a symbol opens its Symbol detail dashboard.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import type { Config } from '../config/schema.ts';
import { dashboardFrame, panelIds } from './frame.ts';
import { DASHBOARD_UIDS, INFLUX_DATASOURCE } from './names.ts';
import { barIntervals, overviewQueries } from './queries.ts';
import { flux } from './targets.ts';

const PER_SYMBOL = '${__field.labels.symbol}';

function symbolLink(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('Open ${__field.labels.symbol}').url(
    `/d/${DASHBOARD_UIDS.symbol}?var-symbol=\${__field.labels.symbol}&\${__url_time_range}`,
  );
}

function lastValue(): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']);
}

/** A stat panel with one value per symbol, each linking to that symbol's detail dashboard. */
function symbolStat(id: number, title: string, description: string, query: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .id(id)
    .title(title)
    .description(description)
    .datasource(INFLUX_DATASOURCE)
    .withTarget(flux(query))
    .displayName(PER_SYMBOL)
    .reduceOptions(lastValue())
    .textMode(common.BigValueTextMode.ValueAndName)
    .dataLinks([symbolLink()])
    .height(8);
}

export function marketOverview(config: Config): dashboard.Dashboard {
  const q = overviewQueries(config);
  const id = panelIds();

  return dashboardFrame(
    config,
    DASHBOARD_UIDS.overview,
    'StockStream · Market overview',
    'Latest price, change and volume of every symbol, and the latest alerts.',
  )
    .withPanel(
      symbolStat(
        id(),
        'Latest price',
        config.sinks.writeTicks
          ? 'Last tick price; sparkline over the range.'
          : 'Close of the latest bar; sparkline over the range.',
        q.price,
      )
        .decimals(2)
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.None)
        .span(12),
    )
    .withPanel(
      symbolStat(
        id(),
        'Change %',
        config.sinks.writeTicks
          ? 'Last price against the previous close, as `stockstream watch` shows it (without a previous close in the ticks: against the first price of the range).'
          : 'From the first to the last bar close of the time range (ticks are not stored, so the previous close is not known).',
        q.changePct,
      )
        .unit('percent')
        .decimals(2)
        .graphMode(common.BigValueGraphMode.None)
        .colorMode(common.BigValueColorMode.Value)
        .thresholds(
          new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
            { value: null, color: 'red' },
            { value: 0, color: 'green' },
          ]),
        )
        .span(6),
    )
    .withPanel(
      new bargauge.PanelBuilder()
        .id(id())
        .title('Volume')
        .description(`Shares traded in the time range: the sum of the ${barIntervals(config)[0]} bars' volumes.`)
        .datasource(INFLUX_DATASOURCE)
        .withTarget(flux(q.volume))
        .displayName(PER_SYMBOL)
        .unit('short')
        .min(0)
        .reduceOptions(lastValue())
        .displayMode(common.BarGaugeDisplayMode.Gradient)
        .orientation(common.VizOrientation.Horizontal)
        .dataLinks([symbolLink()])
        .span(6)
        .height(8),
    )
    .withPanel(
      new table.PanelBuilder()
        .id(id())
        .title('Latest alerts')
        .description('Alerts of every rule and symbol in the time range, newest first.')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(flux(q.alerts))
        .sortBy([new common.TableSortByFieldStateBuilder().displayName('_time').desc(true)])
        .overrideByName('_time', [{ id: 'displayName', value: 'Time' }])
        .overrideByName('symbol', [
          {
            id: 'links',
            value: [
              {
                title: 'Open ${__value.text}',
                url: `/d/${DASHBOARD_UIDS.symbol}?var-symbol=\${__value.text}&\${__url_time_range}`,
              },
            ],
          },
        ])
        .overrideByName('severity', [
          { id: 'custom.cellOptions', value: { type: 'color-text' } },
          {
            id: 'mappings',
            value: [
              {
                type: 'value',
                options: {
                  info: { color: 'blue', index: 0 },
                  warning: { color: 'orange', index: 1 },
                  critical: { color: 'red', index: 2 },
                },
              },
            ],
          },
        ])
        .span(24)
        .height(10),
    )
    .build();
}
