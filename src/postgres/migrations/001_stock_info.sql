-- Stock metadata from `stockstream info sync`: the latest row per symbol, and one row per symbol per
-- day (the exchange's calendar day of the fetch) as the original project kept daily entries.
-- Money and ratios are numeric (exact); market cap is bigint (dollars, beyond int4).

CREATE TABLE stock_info (
  symbol               text        PRIMARY KEY,
  short_name           text,
  long_name            text,
  sector               text,
  industry             text,
  exchange             text,
  currency             text,
  market_cap           bigint,
  trailing_pe          numeric,
  forward_pe           numeric,
  fifty_two_week_high  numeric,
  fifty_two_week_low   numeric,
  fifty_day_average    numeric,
  short_ratio          numeric,
  raw                  jsonb,
  -- When the stored values were fetched; a re-sync that finds the same values keeps it.
  fetched_at           timestamptz NOT NULL,
  -- When a sync last wrote (or confirmed) the row.
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- `info list --sector technology` matches case-insensitively.
CREATE INDEX stock_info_sector_industry_idx ON stock_info (lower(sector), lower(industry));
CREATE INDEX stock_info_industry_idx ON stock_info (lower(industry));

-- The same columns as stock_info (LIKE keeps the two in step), plus the day.
CREATE TABLE stock_info_history (
  LIKE stock_info INCLUDING DEFAULTS,
  date date NOT NULL,
  -- The primary key's index serves "by symbol" and "(symbol, date)".
  PRIMARY KEY (symbol, date)
);

CREATE INDEX stock_info_history_date_idx ON stock_info_history (date);
CREATE INDEX stock_info_history_sector_industry_idx ON stock_info_history (sector, industry, date);
