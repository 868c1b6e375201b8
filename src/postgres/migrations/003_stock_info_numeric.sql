-- Market cap as numeric: Yahoo has sent values beyond bigint (9.2e18), and one such symbol made the
-- whole `info sync` transaction fail. numeric holds every finite double; the other numbers already are.

ALTER TABLE stock_info ALTER COLUMN market_cap TYPE numeric;
ALTER TABLE stock_info_history ALTER COLUMN market_cap TYPE numeric;
