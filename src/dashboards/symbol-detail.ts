/**
 * Symbol detail: one symbol at one bar size — candles with moving averages and Bollinger band,
 * volume, RSI, MACD, its alerts as annotations, and its metadata from PostgreSQL.
 */
import * as candlestick from '@grafana/grafana-foundation-sdk/candlestick';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { Config } from '../config/schema.ts';
import { dashboardFrame, panelIds } from './frame.ts';
import { indicatorFields } from '../windows/indicators/fields.ts';
import { DASHBOARD_UIDS, INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from './names.ts';
import { barIntervals, symbolQueries } from './queries.ts';
import { flux, sql } from './targets.ts';

function option(value: string, selected = false): dashboard.VariableOption {
  return { text: value, value, selected };
}

function symbolVariable(config: Config, query: string): dashboard.QueryVariableBuilder {
  const first = config.symbols[0]!;
  return new dashboard.QueryVariableBuilder('symbol')
    .label('Symbol')
    .datasource(INFLUX_DATASOURCE)
    .query(query)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current(option(first))
    .includeAll(false)
    .multi(false);
}

function intervalVariable(config: Config): dashboard.CustomVariableBuilder {
  const intervals = barIntervals(config);
  return new dashboard.CustomVariableBuilder('interval')
    .label('Bar size')
    .values(intervals.join(','))
    .options(intervals.map((value, index) => option(value, index === 0)))
    .current(option(intervals[0]!))
    .includeAll(false)
    .multi(false);
}

function alertAnnotations(query: string): dashboard.AnnotationQueryBuilder {
  // The SDK built for Grafana 11.6 types `target` as the built-in tag query, but Grafana runs any
  // data source query there (the SDK for Grafana 12 types it as a Dataquery): a Flux target.
  const target = flux(query, 'Anno').build() as unknown as dashboard.AnnotationTarget;
  return new dashboard.AnnotationQueryBuilder()
    .name('Alerts')
    .datasource(INFLUX_DATASOURCE)
    .enable(true)
    .iconColor('red')
    .target({ build: () => target });
}

const dashed = { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } };

export function symbolDetail(config: Config): dashboard.Dashboard {
  const q = symbolQueries(config);
  const fields = indicatorFields(config.windows.indicators);
  const withIndicators = config.windows.indicators.enabled;
  const id = panelIds();

  const builder = dashboardFrame(
    config,
    DASHBOARD_UIDS.symbol,
    'StockStream · Symbol detail',
    'Candles, volume, indicators, alerts and metadata of one symbol.',
  )
    .withVariable(symbolVariable(config, q.symbols))
    .withVariable(intervalVariable(config))
    .annotation(alertAnnotations(q.annotations))
    .withPanel(
      new stat.PanelBuilder()
        .id(id())
        .title('${symbol}')
        .description('From `stockstream info sync` (PostgreSQL table stock_info).')
        .datasource(POSTGRES_DATASOURCE)
        .withTarget(sql(q.metadata))
        .reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]).fields('/.*/'))
        .graphMode(common.BigValueGraphMode.None)
        .colorMode(common.BigValueColorMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .noValue('no metadata yet: run stockstream info sync')
        .overrideByName('Market cap', [
          { id: 'unit', value: 'short' },
          { id: 'decimals', value: 2 },
        ])
        .overrideByRegexp('P/E', [{ id: 'decimals', value: 1 }])
        .span(24)
        .height(4),
    )
    .withPanel(
      new candlestick.PanelBuilder()
        .id(id())
        .title('${symbol} · ${interval} bars')
        .description(withIndicators ? `Candles with ${fields.overlays.join(', ')}.` : 'Candles.')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(flux(q.candles))
        .mode(candlestick.VizDisplayMode.Candles)
        .candleStyle(candlestick.CandleStyle.Candles)
        .colorStrategy(candlestick.ColorStrategy.OpenClose)
        .fields(new candlestick.CandlestickFieldMapBuilder().open('open').high('high').low('low').close('close'))
        .colors(new candlestick.CandlestickColorsBuilder().up('green').down('red').flat('gray'))
        .includeAllFields(withIndicators)
        .legend(
          new common.VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(common.LegendDisplayMode.List)
            .placement(common.LegendPlacement.Bottom),
        )
        .overrideByRegexp('^bb_', [dashed, { id: 'color', value: { mode: 'fixed', fixedColor: 'purple' } }])
        .span(24)
        .height(12),
    )
    .withPanel(
      new timeseries.PanelBuilder()
        .id(id())
        .title('Volume')
        .description('Increase of the day volume within each bar.')
        .datasource(INFLUX_DATASOURCE)
        .withTarget(flux(q.volume))
        .drawStyle(common.GraphDrawStyle.Bars)
        .fillOpacity(60)
        .unit('short')
        .min(0)
        .legend(new common.VizLegendOptionsBuilder().showLegend(false))
        .span(24)
        .height(5),
    );

  if (withIndicators) {
    builder
      .withPanel(
        new timeseries.PanelBuilder()
          .id(id())
          .title(`RSI (${config.windows.indicators.rsi})`)
          .description('Above 70: overbought; below 30: oversold.')
          .datasource(INFLUX_DATASOURCE)
          .withTarget(flux(q.rsi))
          .min(0)
          .max(100)
          .thresholds(
            new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
              { value: null, color: 'green' },
              { value: 30, color: 'text' },
              { value: 70, color: 'red' },
            ]),
          )
          .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
          .span(12)
          .height(8),
      )
      .withPanel(
        new timeseries.PanelBuilder()
          .id(id())
          .title(
            `MACD (${config.windows.indicators.macd.fast}, ${config.windows.indicators.macd.slow}, ${config.windows.indicators.macd.signal})`,
          )
          .description('MACD line, signal line and their difference (histogram).')
          .datasource(INFLUX_DATASOURCE)
          .withTarget(flux(q.macd))
          .overrideByName(fields.macd.histogram, [
            { id: 'custom.drawStyle', value: common.GraphDrawStyle.Bars },
            { id: 'custom.fillOpacity', value: 50 },
          ])
          .span(12)
          .height(8),
      );
  }
  return builder.build();
}
