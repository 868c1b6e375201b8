-- Where in the prices topic the consumer stood when it wrote a bar: `stream_source` is
-- '<topic>:<partition>', `stream_offset` the offset of the last message it had applied. A bar from an
-- older position of the same partition never replaces a newer one (a consumer frozen past its
-- session timeout that wakes up with stale windows, a write that was retried late), so the table
-- cannot go backwards. Rows written before this migration, and bars from `watch --sink`, have none
-- and are not compared.
ALTER TABLE stock_bars ADD COLUMN stream_source text;
ALTER TABLE stock_bars ADD COLUMN stream_offset bigint;
