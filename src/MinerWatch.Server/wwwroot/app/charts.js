// The case page's load pictures, drawn by the vendored libraries: uPlot for the daily series (drag to zoom a
// period, double-click to zoom out) and ECharts for the hour-of-day heat map.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import * as echarts from '/vendor/echarts/echarts.esm.min.js';
import { t } from '/app/i18n.js';

function dayStamp(iso, offset) {
  return Date.parse(`${iso}T00:00:00Z`) / 1000 + offset * 86400;
}

export function dailyChart(container, load) {
  if (!document.querySelector('link[data-uplot]')) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css' }));
    document.head.lastChild.dataset.uplot = '1';
  }
  const days = load.mean_kw.map((_, i) => dayStamp(load.first_day, i));
  const onset = load.onset ? dayStamp(load.onset, 0) : null;
  const width = Math.max(280, container.clientWidth - 16);
  const options = {
    title: t('dailyKw'),
    width,
    height: 260,
    scales: { x: { time: true } },
    series: [
      {},
      { label: t('mean'), stroke: '#0b5cad', width: 2 },
      { label: t('lowest'), stroke: '#2da44e', width: 1 },
      { label: t('highest'), stroke: '#bf8700', width: 1 },
    ],
    axes: [{}, { label: 'kW' }],
    hooks: {
      // The onset, where the scan dated the mining load.
      draw: [u => {
        if (onset === null) return;
        const x = Math.round(u.valToPos(onset, 'x', true));
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#a40e26';
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.restore();
      }],
    },
  };
  return new uPlot(options, [days, load.mean_kw, load.min_kw, load.max_kw], container);
}

// The sites of the cases as points by longitude and latitude, one colour per status; a click opens the case.
// (Region outlines come later, from GeoJSON; without them the points alone are the map.)
export function pointsMap(container, points, open) {
  const statuses = ['open', 'assigned', 'inspected', 'confirmed', 'dismissed', 'rectified', 'closed'];
  const chart = echarts.init(container, null, { renderer: 'canvas' });
  const lon = points.map(p => p.longitude);
  const lat = points.map(p => p.latitude);
  const pad = 0.02;
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    tooltip: { formatter: p => `${p.data.subject} · ${t(p.data.status)} · ${p.data.score.toFixed(3)}${p.data.kw ? ` · ${p.data.kw} kW` : ''}<br>${p.data.region}` },
    grid: { left: 60, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'value', name: 'lon', min: Math.min(...lon) - pad, max: Math.max(...lon) + pad, axisLabel: { formatter: v => v.toFixed(2) } },
    yAxis: { type: 'value', name: 'lat', min: Math.min(...lat) - pad, max: Math.max(...lat) + pad, axisLabel: { formatter: v => v.toFixed(2) } },
    series: statuses.map(s => ({
      type: 'scatter',
      name: t(s),
      symbolSize: p => 8 + Math.min(20, Math.sqrt(p[2] || 0)),
      data: points.filter(p => p.status === s).map(p => ({ value: [p.longitude, p.latitude, p.mining_kw || 0], id: p.case_id, subject: p.subject_id, status: p.status, score: p.score, kw: p.mining_kw, region: p.region })),
    })),
  });
  chart.on('click', e => open(e.data.id));
  return chart;
}

export function weeklyChart(container, weeks) {
  const chart = echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 50, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: weeks.map(w => w.week) },
    yAxis: [{ type: 'value', name: t('cases'), minInterval: 1 }, { type: 'value', name: t('kwRemoved') }],
    series: [
      { type: 'bar', name: t('openedWeek'), data: weeks.map(w => w.opened) },
      { type: 'bar', name: t('confirmed'), data: weeks.map(w => w.confirmed) },
      { type: 'bar', name: t('dismissed'), data: weeks.map(w => w.dismissed) },
      { type: 'bar', name: t('closed'), data: weeks.map(w => w.closed) },
      { type: 'line', name: t('kwRemoved'), yAxisIndex: 1, data: weeks.map(w => w.kw_removed) },
    ],
  });
  return chart;
}

export function heatMap(container, load) {
  const blocks = load.hour_of_day_kw.length / 24;
  const labels = Array.from({ length: blocks }, (_, b) => new Date((dayStamp(load.first_block_day, b * load.block_days)) * 1000).toISOString().slice(0, 10));
  const cells = [];
  let max = 0;
  for (let b = 0; b < blocks; b++) {
    for (let hour = 0; hour < 24; hour++) {
      const v = load.hour_of_day_kw[b * 24 + hour];
      if (v === null) continue;
      cells.push([b, hour, v]);
      if (v > max) max = v;
    }
  }
  const chart = echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    title: { text: t('hourOfDay'), textStyle: { fontSize: 14 } },
    tooltip: { position: 'top' },
    grid: { left: 50, right: 20, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: labels, name: t('block') },
    yAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => `${h}:00`), name: t('hour') },
    visualMap: { min: 0, max: max || 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
    series: [{ type: 'heatmap', data: cells, name: 'kW' }],
  });
  return chart;
}
