-- What the `postgres` sink of `stockstream consume` writes: bars, indicator points and alerts,
-- each upserted on its natural key so replaying a topic leaves the same rows.

CREATE TABLE stock_bars (
  symbol      text        NOT NULL,
  interval    text        NOT NULL,
  start_time  timestamptz NOT NULL,
  end_time    timestamptz NOT NULL,
  open        numeric     NOT NULL,
  high        numeric     NOT NULL,
  low         numeric     NOT NULL,
  close       numeric     NOT NULL,
  volume      numeric     NOT NULL,
  vwap        numeric,
  ticks       integer     NOT NULL,
  -- false while the window is still open (interim updates for live dashboards).
  final       boolean     NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, interval, start_time)
);

-- "The last N bars of AAPL at 1m" is one index range scan.
CREATE INDEX stock_bars_symbol_interval_recent_idx ON stock_bars (symbol, interval, start_time DESC);
-- Dashboards over all symbols for a time range.
CREATE INDEX stock_bars_start_time_idx ON stock_bars (start_time);

CREATE TABLE stock_indicators (
  symbol      text        NOT NULL,
  interval    text        NOT NULL,
  time        timestamptz NOT NULL,
  values      jsonb       NOT NULL,
  trend       text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, interval, time)
);

CREATE INDEX stock_indicators_symbol_interval_recent_idx ON stock_indicators (symbol, interval, time DESC);

CREATE TABLE stock_alerts (
  symbol      text        NOT NULL,
  rule        text        NOT NULL,
  time        timestamptz NOT NULL,
  type        text        NOT NULL,
  severity    text        NOT NULL,
  interval    text        NOT NULL,
  message     text        NOT NULL,
  value       numeric,
  threshold   numeric,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, rule, time)
);

CREATE INDEX stock_alerts_time_idx ON stock_alerts (time DESC);
CREATE INDEX stock_alerts_symbol_time_idx ON stock_alerts (symbol, time DESC);
