// The watch --web page: one chart (candles + volume + overlays, RSI and MACD panes) for the chosen
// symbol and interval, the live table of all symbols and the alerts. Plain browser JavaScript with
// lightweight-charts' standalone build (global LightweightCharts); the server's /events stream
// starts with a snapshot, then sends ticks, bars, indicators and alerts as they happen. An event only
// changes the page's state and notes what it changed; the drawing happens once a frame (see `later`).
(() => {
  'use strict';
  const LWC = window.LightweightCharts;
  const COLORS = {
    up: '#26a69a',
    down: '#ef5350',
    text: '#d6dde8',
    muted: '#7d8799',
    grid: '#1c2330',
    line: '#273041',
  };
  // Moving averages take these colours in the order the snapshot lists them; bands are dashed grey.
  const AVERAGE_COLORS = ['#f0b429', '#c678dd', '#4c8dff', '#56b6c2', '#e06c75', '#98c379'];
  const BAND_COLOR = 'rgba(125,135,153,0.8)';
  const $ = (selector) => document.querySelector(selector);
  const params = new URLSearchParams(location.search);

  let state = undefined;
  let symbol = params.get('symbol') || undefined;
  let interval = params.get('interval') || undefined;
  // The indicator field names to draw (the server's configured periods); every snapshot brings them.
  let fields = undefined;
  let eventsSeen = 0;

  // ---- chart --------------------------------------------------------------------------------
  let timezone = 'UTC';
  const formatters = {};
  const format = (options) => {
    const id = JSON.stringify(options);
    return (formatters[id] ??= new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', ...options }));
  };
  const chart = LWC.createChart($('#chart'), {
    autoSize: true,
    layout: {
      background: { color: '#0f131a' },
      textColor: COLORS.text,
      fontSize: 12,
      panes: { separatorColor: COLORS.line },
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    rightPriceScale: { borderColor: COLORS.line },
    timeScale: {
      borderColor: COLORS.line,
      timeVisible: true,
      secondsVisible: false,
      rightOffset: 4,
      tickMarkFormatter: (time, type) =>
        format(type <= 2 ? { month: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' }).format(
          time * 1000,
        ),
    },
    localization: {
      timeFormatter: (time) =>
        format({ month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(time * 1000),
    },
    crosshair: { mode: LWC.CrosshairMode.Normal },
  });
  const candles = chart.addSeries(LWC.CandlestickSeries, {
    upColor: COLORS.up,
    downColor: COLORS.down,
    borderVisible: false,
    wickUpColor: COLORS.up,
    wickDownColor: COLORS.down,
  });
  const volume = chart.addSeries(LWC.HistogramSeries, {
    priceScaleId: 'volume',
    priceFormat: { type: 'volume' },
    lastValueVisible: false,
    priceLineVisible: false,
  });
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
  let overlays = [];
  // `sma_20` → `SMA 20`, `bb_upper` → `BB upper`.
  const titleOf = (key) => key.replace(/^([a-z]+)_/, (_, kind) => `${kind.toUpperCase()} `);
  /** Lines over the candles for the snapshot's overlay fields: keeps those still listed, adds the new ones. */
  function setOverlays(list) {
    const keys = list.map((overlay) => overlay.key);
    for (const overlay of overlays) if (!keys.includes(overlay.key)) chart.removeSeries(overlay.series);
    let averages = 0;
    overlays = list.map(({ key, band }) => {
      const color = band ? BAND_COLOR : AVERAGE_COLORS[averages++ % AVERAGE_COLORS.length];
      const kept = overlays.find((overlay) => overlay.key === key);
      if (kept) {
        kept.series.applyOptions({ color });
        return { ...kept, color };
      }
      const series = chart.addSeries(LWC.LineSeries, {
        color,
        lineWidth: band ? 1 : 2,
        lineStyle: band ? LWC.LineStyle.Dashed : LWC.LineStyle.Solid,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      });
      return { key, title: titleOf(key), color, series };
    });
  }
  const rsi = chart.addSeries(
    LWC.LineSeries,
    { color: '#c678dd', lineWidth: 2, priceLineVisible: false, title: 'RSI' },
    1,
  );
  rsi.createPriceLine({ price: 70, color: COLORS.muted, lineStyle: LWC.LineStyle.Dotted, axisLabelVisible: false });
  rsi.createPriceLine({ price: 30, color: COLORS.muted, lineStyle: LWC.LineStyle.Dotted, axisLabelVisible: false });
  const macdHistogram = chart.addSeries(LWC.HistogramSeries, { priceLineVisible: false, lastValueVisible: false }, 2);
  const macd = chart.addSeries(
    LWC.LineSeries,
    { color: '#4c8dff', lineWidth: 2, priceLineVisible: false, title: 'MACD' },
    2,
  );
  const macdSignal = chart.addSeries(
    LWC.LineSeries,
    { color: '#f0b429', lineWidth: 1, priceLineVisible: false, title: 'signal' },
    2,
  );
  const markers = LWC.createSeriesMarkers(candles, []);
  const panes = chart.panes();
  // The price pane takes most of the height; RSI and MACD a strip each.
  panes[0]?.setStretchFactor(4);
  panes[1]?.setStretchFactor(1);
  panes[2]?.setStretchFactor(1.2);

  const seconds = (ms) => Math.floor(ms / 1000);
  const candleOf = (bar) => ({
    time: seconds(bar.start),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
  });
  const volumeOf = (bar) => ({
    time: seconds(bar.start),
    value: bar.volume,
    color: bar.close >= bar.open ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)',
  });
  const lineOf = (point, key) =>
    point.values[key] === undefined
      ? { time: seconds(point.time) }
      : { time: seconds(point.time), value: point.values[key] };

  /** Inserts or replaces by start time in a list sorted by start; true when it is (now) the last. */
  function upsert(list, item, key) {
    let i = list.length - 1;
    while (i >= 0 && list[i][key] > item[key]) i -= 1;
    if (i >= 0 && list[i][key] === item[key]) list[i] = item;
    else list.splice(i + 1, 0, item);
    return list.at(-1) === item;
  }

  const barsOf = (sym, int) => ((state.bars[sym] ??= {})[int] ??= []);
  const pointsOf = (sym, int) => ((state.indicators[sym] ??= {})[int] ??= []);

  function drawBars() {
    const bars = barsOf(symbol, interval);
    candles.setData(bars.map(candleOf));
    volume.setData(bars.map(volumeOf));
  }

  function drawIndicators() {
    const points = pointsOf(symbol, interval);
    for (const overlay of overlays) overlay.series.setData(points.map((point) => lineOf(point, overlay.key)));
    rsi.setData(points.map((point) => lineOf(point, fields.rsi)));
    macd.setData(points.map((point) => lineOf(point, fields.macd.line)));
    macdSignal.setData(points.map((point) => lineOf(point, fields.macd.signal)));
    macdHistogram.setData(
      points.map((point) => {
        const value = point.values[fields.macd.histogram];
        return value === undefined
          ? { time: seconds(point.time) }
          : { time: seconds(point.time), value, color: value >= 0 ? 'rgba(38,166,154,0.7)' : 'rgba(239,83,80,0.7)' };
      }),
    );
  }

  function drawMarkers() {
    const list = state.alerts
      .filter((alert) => alert.symbol === symbol && alert.interval === interval)
      .sort((a, b) => a.time - b.time)
      .map((alert) => {
        // Which way it points: the message says (bearish, below, fell…), else the sign of the value.
        const up = !/bearish|below|down|drop|fell/i.test(alert.message) && alert.value >= 0;
        return {
          time: seconds(alert.time),
          position: up ? 'belowBar' : 'aboveBar',
          shape: up ? 'arrowUp' : 'arrowDown',
          color: alert.severity === 'critical' ? COLORS.down : alert.severity === 'warning' ? '#f0b429' : '#4c8dff',
          text: alert.rule,
        };
      });
    markers.setMarkers(list);
  }

  function drawLegend() {
    const points = pointsOf(symbol, interval);
    const last = points.at(-1);
    const parts = [`<span><b>${symbol ?? ''}</b> · ${interval ?? ''}</span>`];
    for (const overlay of overlays) {
      const value = last?.values[overlay.key];
      if (value !== undefined)
        parts.push(`<span style="color:${overlay.color}">${overlay.title} ${value.toFixed(2)}</span>`);
    }
    $('#legend').innerHTML = parts.join('');
  }

  function drawChart() {
    if (!state || !symbol || !interval) return;
    drawBars();
    drawIndicators();
    drawMarkers();
    drawLegend();
    chartDrawn();
    chart.timeScale().scrollToRealTime();
  }

  // ---- table, controls, alerts ---------------------------------------------------------------
  const number = (value, digits = 2) =>
    value === undefined || value === null
      ? '—'
      : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const compact = (value) =>
    value === undefined
      ? '—'
      : Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value);
  const signed = (value) => (value === undefined ? '—' : `${value >= 0 ? '+' : ''}${number(value)}%`);
  const direction = (value) => (value === undefined ? '' : value > 0 ? 'up' : value < 0 ? 'down' : '');

  function rowCells(row) {
    const rsiValue = row.indicators[fields.rsi];
    return [
      `<td>${row.symbol}</td>`,
      `<td class="price">${number(row.price)}</td>`,
      `<td class="${direction(row.changePct)}">${signed(row.changePct)}</td>`,
      `<td>${compact(row.dayVolume)}</td>`,
      `<td>${rsiValue === undefined ? '—' : rsiValue.toFixed(1)}</td>`,
      `<td class="${row.trend === 'up' ? 'up' : row.trend === 'down' ? 'down' : ''}">${row.trend ?? '—'}</td>`,
    ].join('');
  }

  function drawRow(row) {
    const body = $('#table tbody');
    let tr = body.querySelector(`tr[data-symbol="${CSS.escape(row.symbol)}"]`);
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.symbol = row.symbol;
      tr.addEventListener('click', () => choose(row.symbol, interval));
      const after = [...body.children].find((other) => other.dataset.symbol > row.symbol);
      body.insertBefore(tr, after ?? null);
      addSymbol(row.symbol);
    }
    tr.innerHTML = rowCells(row);
    tr.dataset.price = String(row.price ?? '');
    tr.dataset.time = String(row.time ?? '');
    tr.classList.toggle('selected', row.symbol === symbol);
    // Only the price cell flashes: a busy symbol would keep a whole row lit.
    const price = tr.querySelector('.price');
    if (price && row.price !== undefined) price.classList.add('flash');
    if (row.symbol === symbol) drawQuote(row);
  }

  function drawQuote(row) {
    $('#quote').innerHTML =
      `<b>${number(row.price)}</b> <span class="${direction(row.changePct)}">${row.change === undefined ? '' : (row.change >= 0 ? '+' : '') + number(row.change)} (${signed(row.changePct)})</span>`;
  }

  function addSymbol(sym) {
    const select = $('#symbol');
    if ([...select.options].some((option) => option.value === sym)) return;
    const option = new Option(sym, sym);
    const after = [...select.options].find((other) => other.value > sym);
    select.add(option, after ?? null);
    if (sym === symbol) select.value = sym;
  }

  function drawControls() {
    const select = $('#symbol');
    select.innerHTML = '';
    for (const sym of state.symbols) addSymbol(sym);
    select.value = symbol ?? '';
    const group = $('#intervals');
    group.innerHTML = '';
    for (const label of state.intervals) {
      const button = document.createElement('button');
      button.textContent = label;
      button.dataset.interval = label;
      button.classList.toggle('active', label === interval);
      button.addEventListener('click', () => choose(symbol, label));
      group.append(button);
    }
  }

  // Messages start with the symbol, which the list already shows in bold.
  const withoutSymbol = (alert) =>
    alert.message.startsWith(`${alert.symbol} `) ? alert.message.slice(alert.symbol.length + 1) : alert.message;

  function drawAlerts() {
    const list = $('#alerts');
    const time = format({ hour: '2-digit', minute: '2-digit' });
    list.innerHTML =
      state.alerts.length === 0
        ? '<li class="muted">none yet</li>'
        : state.alerts
            .slice(-30)
            .reverse()
            .map(
              (alert) =>
                `<li><span class="sev ${alert.severity}">${alert.severity}</span> <b>${alert.symbol}</b> ${time.format(alert.time)} ${withoutSymbol(alert)}</li>`,
            )
            .join('');
  }

  function drawStatus() {
    $('#source').textContent = `source: ${state.source}`;
    $('#status').textContent = [state.finished ? 'the source ended — the last bars are closed' : '', state.status ?? '']
      .filter(Boolean)
      .join(' · ');
  }

  function choose(sym, int) {
    symbol = sym;
    interval = int;
    const url = new URL(location.href);
    url.searchParams.set('symbol', sym);
    url.searchParams.set('interval', int);
    history.replaceState(null, '', url);
    $('#symbol').value = sym;
    for (const button of $('#intervals').children) button.classList.toggle('active', button.dataset.interval === int);
    for (const tr of $('#table tbody').children) tr.classList.toggle('selected', tr.dataset.symbol === sym);
    const row = state.rows.find((r) => r.symbol === sym);
    if (row) drawQuote(row);
    drawChart();
  }
  $('#symbol').addEventListener('change', (event) => choose(event.target.value, interval));

  // ---- live updates ------------------------------------------------------------------------
  // A fast source (a replay at --speed 0, many symbols) sends thousands of events a second. Drawing
  // each one (a table row, the chart's series, the legend) took milliseconds, so under load the page
  // fell tens of seconds behind its stream although nothing was lost. Applying an event to `state` is
  // cheap; what it changed is noted here and drawn once per animation frame.
  const changed = {
    rows: new Set(),
    bars: new Map(),
    allBars: false,
    points: new Map(),
    allPoints: false,
    alerts: false,
    status: false,
  };
  let frame = 0;

  function later() {
    frame ||= requestAnimationFrame(drawChanged);
  }

  /** Forgets the chart's pending changes: a full draw of the chart (a snapshot, a choice) covers them. */
  function chartDrawn() {
    changed.bars.clear();
    changed.allBars = false;
    changed.points.clear();
    changed.allPoints = false;
  }

  function drawChanged() {
    frame = 0;
    for (const sym of changed.rows) {
      const row = state.rows.find((r) => r.symbol === sym);
      if (row) drawRow(row);
    }
    changed.rows.clear();
    // The series take updates of their last bar or point; anything older needs the whole data again.
    if (changed.allBars) drawBars();
    else
      for (const bar of changed.bars.values()) {
        candles.update(candleOf(bar));
        volume.update(volumeOf(bar));
      }
    if (changed.allPoints) drawIndicators();
    else for (const point of changed.points.values()) drawPoint(point);
    if (changed.allPoints || changed.points.size > 0) drawLegend();
    chartDrawn();
    if (changed.alerts) {
      drawAlerts();
      drawMarkers();
    }
    if (changed.status) drawStatus();
    changed.alerts = false;
    changed.status = false;
  }

  function onSnapshot(snapshot) {
    state = snapshot;
    timezone = snapshot.timezone ?? 'UTC';
    for (const key of Object.keys(formatters)) delete formatters[key];
    fields = snapshot.fields;
    setOverlays(fields.overlays);
    if (!interval || !state.intervals.includes(interval)) interval = state.interval;
    if (!symbol || !state.symbols.includes(symbol)) symbol = state.symbols[0];
    // Everything is drawn from the new state right here; what the old one had pending is moot.
    changed.rows.clear();
    changed.alerts = false;
    changed.status = false;
    drawControls();
    $('#table tbody').innerHTML = '';
    for (const row of state.rows) drawRow(row);
    drawAlerts();
    drawStatus();
    drawChart();
  }

  function applyBar(bar) {
    const list = barsOf(bar.symbol, bar.interval);
    const last = upsert(list, bar, 'start');
    if (bar.symbol !== symbol || bar.interval !== interval) return;
    // Keyed by start: of the many updates a forming bar gets in one frame only the latest is drawn.
    if (last) changed.bars.set(bar.start, bar);
    else changed.allBars = true;
    later();
  }

  function onTick({ row, bars }) {
    const i = state.rows.findIndex((r) => r.symbol === row.symbol);
    if (i >= 0) state.rows[i] = row;
    else state.rows.push(row);
    if (!state.symbols.includes(row.symbol)) state.symbols.push(row.symbol);
    if (!symbol) choose(row.symbol, interval);
    changed.rows.add(row.symbol);
    later();
    for (const bar of bars) applyBar(bar);
  }

  function drawPoint(point) {
    for (const overlay of overlays) overlay.series.update(lineOf(point, overlay.key));
    rsi.update(lineOf(point, fields.rsi));
    macd.update(lineOf(point, fields.macd.line));
    macdSignal.update(lineOf(point, fields.macd.signal));
    const value = point.values[fields.macd.histogram];
    macdHistogram.update(
      value === undefined
        ? { time: seconds(point.time) }
        : { time: seconds(point.time), value, color: value >= 0 ? 'rgba(38,166,154,0.7)' : 'rgba(239,83,80,0.7)' },
    );
  }

  function onIndicator({ point }) {
    const last = upsert(pointsOf(point.symbol, point.interval), point, 'time');
    if (point.symbol !== symbol || point.interval !== interval) return;
    if (last) changed.points.set(point.time, point);
    else changed.allPoints = true;
    later();
  }

  function onAlert({ alert }) {
    state.alerts.push(alert);
    changed.alerts = true;
    later();
  }

  const connection = $('#connection');
  const events = new EventSource('/events');
  const handlers = {
    snapshot: onSnapshot,
    tick: onTick,
    bar: ({ bar }) => applyBar(bar),
    indicator: onIndicator,
    alert: onAlert,
    status: ({ status, finished }) => {
      state.status = status;
      state.finished = finished;
      changed.status = true;
      later();
    },
  };
  for (const [type, handle] of Object.entries(handlers)) {
    events.addEventListener(type, (event) => {
      if (type !== 'snapshot' && !state) return;
      handle(JSON.parse(event.data));
      eventsSeen += 1;
    });
  }
  events.addEventListener('open', () => {
    connection.textContent = 'live';
    connection.className = 'connection live';
  });
  // EventSource reconnects by itself; the server starts every stream with a snapshot.
  events.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'connection down';
  });

  // What the browser tests read: the chart's own data, not pixels.
  window.stockstream = {
    get symbol() {
      return symbol;
    },
    get interval() {
      return interval;
    },
    get eventsSeen() {
      return eventsSeen;
    },
    ready: () => state !== undefined,
    candles: () => candles.data(),
    volume: () => volume.data(),
    line: (key) =>
      (key === 'rsi' ? rsi : key === 'macd' ? macd : overlays.find((overlay) => overlay.key === key)?.series)?.data() ??
      [],
    markers: () => markers.markers(),
  };
})();
