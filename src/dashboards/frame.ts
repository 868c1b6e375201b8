/**
 * What both dashboards share: today's session so far in the exchange's time zone, a 5 s refresh,
 * tags, a link to each other, and panel ids handed out in order so they are unique and stable.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Config } from '../config/schema.ts';
import { DASHBOARD_TAGS } from './names.ts';

export const REFRESH = '5s';
/** Grafana's "Today so far". */
export const TIME_RANGE = { from: 'now/d', to: 'now' };

export function dashboardFrame(
  config: Config,
  uid: string,
  title: string,
  description: string,
): dashboard.DashboardBuilder {
  return (
    new dashboard.DashboardBuilder(title)
      .uid(uid)
      .description(description)
      .tags(DASHBOARD_TAGS)
      .editable()
      // "Today" means the exchange's day, not the viewer's.
      .timezone(config.windows.timezone)
      .time(TIME_RANGE)
      .refresh(REFRESH)
      .timepicker(new dashboard.TimePickerBuilder().refreshIntervals(['5s', '10s', '30s', '1m', '5m', '15m']))
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .link(
        new dashboard.DashboardLinkBuilder('StockStream')
          .type(dashboard.DashboardLinkType.Dashboards)
          .tags(DASHBOARD_TAGS)
          .asDropdown(false)
          .includeVars(false)
          .keepTime(true),
      )
  );
}

/** Numbers panels 1, 2, 3… in the order they are added. */
export function panelIds(): () => number {
  let next = 0;
  return () => ++next;
}
