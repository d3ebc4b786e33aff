// The case page's load pictures, drawn by the vendored libraries: uPlot for the daily series (drag to zoom a
// period, double-click to zoom out) and ECharts for the hour-of-day heat map.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import * as echarts from '/vendor/echarts/echarts.esm.min.js';
import { t, number, statuses } from '/app/i18n.js';

// An ECharts chart on the canvas, drawn at once (no animation to wait for).
function draw(container, option) {
  const chart = echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption({ animation: false, ...option });
  return chart;
}

const hourLabels = Array.from({ length: 24 }, (_, hour) => `${hour}:00`);

// The first day of the 28-day block b of a load's hour-of-day picture, in seconds.
const blockStart = (load, b) => dayStamp(load.first_block_day, b * load.block_days);

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

export function dispose(container) {
  echarts.getInstanceByDom(container)?.dispose();
}


// The campaign map: region outlines (GeoJSON features carrying properties.region) coloured by a figure per region,
// with the cases' sites as points coloured by status on top. A click on a region drills down; on a point, opens it.
export function regionMap(container, { outlines, values, measure, points, zoomToPoints, drill, open }) {
  const key = `mw-regions-${Math.random().toString(36).slice(2)}`;
  echarts.registerMap(key, outlines);
  const max = Math.max(1, ...Object.values(values));
  const bounds = zoomToPoints && points.length ? extent(points) : null;
  const chart = draw(container, {
    // ECharts writes a description of the regions and points into the container's aria-label for screen readers.
    aria: { enabled: true, label: { enabled: true, data: { maxCount: 50 } } },
    legend: { top: 0, data: statuses.map(s => t(s)) },
    tooltip: {
      formatter: p => p.seriesType === 'map'
        ? (p.value >= 0 ? `${p.name}<br>${t(measure)}: ${number(p.value, 1)}` : p.name)
        : `${p.data.subject} · ${t(p.data.status)} · ${p.data.score.toFixed(3)}${p.data.kw ? ` · ${number(p.data.kw, 1)} kW` : ''}<br>${p.data.region}`,
    },
    geo: {
      map: key, nameProperty: 'region', roam: true, layoutCenter: ['50%', '50%'], layoutSize: '80%',
      // Degrees of longitude shrink away from the equator: scale them so that shapes keep their proportions.
      aspectScale: Math.cos((bounds ? (bounds[0][1] + bounds[1][1]) / 2 : middleLatitude(outlines)) * Math.PI / 180),
      ...(bounds ? { boundingCoords: bounds } : {}),
      itemStyle: { areaColor: '#eef2f6', borderColor: '#56606b', borderWidth: 0.8 },
      emphasis: { itemStyle: { areaColor: '#fff3c4' }, label: { show: false } },
      label: { show: outlines.features.length <= 40, fontSize: 11, color: '#24292f', formatter: p => p.name.split('/').pop() },
    },
    visualMap: {
      seriesIndex: 0, min: 0, max, calculable: true, orient: 'horizontal', left: 'left', bottom: 0, text: [number(max, 0), `${t(measure)}  0`],
      inRange: { color: ['#fdf3e7', '#f8c58c', '#e8833a'] }, outOfRange: { color: '#eef2f6' },
    },
    series: [
      // Every outline gets a value, or ECharts paints it in the series colour: a region without figures (the scope's
      // own backdrop, a country without cases) is below the scale and drawn plain.
      { type: 'map', geoIndex: 0, // Regions with figures come first, so the description read aloud starts with them.
      data: outlines.features.map(f => ({ name: f.properties.region, value: values[f.properties.region] ?? -1 })).sort((a, b) => b.value - a.value) },
      ...statuses.map(s => ({
        type: 'scatter', coordinateSystem: 'geo', name: t(s), symbolSize: p => 7 + Math.min(18, Math.sqrt(p[2] || 0)),
        itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
        data: points.filter(p => p.status === s).map(p => ({ name: p.subject_id, value: [p.longitude, p.latitude, p.mining_kw || 0], id: p.case_id, subject: p.subject_id, status: p.status, score: p.score, kw: p.mining_kw, region: p.region })),
      })),
    ],
  });
  chart.on('click', e => {
    if (e.seriesType === 'scatter') open(e.data.id);
    else if (e.componentType === 'series' || e.componentType === 'geo') drill(e.name);
  });
  return chart;
}

function middleLatitude(geo) {
  let low = 90;
  let high = -90;
  const walk = c => {
    if (typeof c[0] === 'number') { low = Math.min(low, c[1]); high = Math.max(high, c[1]); } else c.forEach(walk);
  };
  geo.features.forEach(f => walk(f.geometry.coordinates));
  return low <= high ? (low + high) / 2 : 0;
}

// [[west, north], [east, south]] around the points, with a margin so that a single site is not a map of one point.
function extent(points) {
  const lon = points.map(p => p.longitude);
  const lat = points.map(p => p.latitude);
  const pad = Math.max(0.05, 0.15 * Math.max(Math.max(...lon) - Math.min(...lon), Math.max(...lat) - Math.min(...lat)));
  return [[Math.min(...lon) - pad, Math.max(...lat) + pad], [Math.max(...lon) + pad, Math.min(...lat) - pad]];
}

export function weeklyChart(container, weeks) {
  const chart = draw(container, {
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

// What the settled cases saved, week by week: energy, carbon and money, each on its own axis.
export function savingsChart(container, weeks) {
  const chart = draw(container, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 70, right: 130, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: weeks.map(w => w.week) },
    yAxis: [
      { type: 'value', name: 'kWh' },
      { type: 'value', name: 't CO2', position: 'right' },
      { type: 'value', name: t('moneyRecovered'), position: 'right', offset: 60 },
    ],
    series: [
      { type: 'bar', name: t('kwhAvoided'), data: weeks.map(w => w.kwh_per_year_avoided) },
      { type: 'line', name: t('co2Avoided'), yAxisIndex: 1, data: weeks.map(w => w.co2_tonnes_per_year_avoided) },
      { type: 'line', name: t('moneyRecovered'), yAxisIndex: 2, data: weeks.map(w => w.money_recovered) },
    ],
  });
  return chart;
}

export function heatMap(container, load) {
  const blocks = load.hour_of_day_kw.length / 24;
  const labels = Array.from({ length: blocks }, (_, b) => new Date(blockStart(load, b) * 1000).toISOString().slice(0, 10));
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
  const chart = draw(container, {
    title: { text: t('hourOfDay'), textStyle: { fontSize: 14 } },
    tooltip: { position: 'top' },
    grid: { left: 50, right: 20, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: labels, name: t('block') },
    yAxis: { type: 'category', data: hourLabels, name: t('hour') },
    visualMap: { min: 0, max: max || 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
    series: [{ type: 'heatmap', data: cells, name: 'kW' }],
  });
  return chart;
}

// The day's shape before the onset and after it: kW by hour of day averaged over the 28-day blocks wholly before
// the onset and wholly after it (the block holding the onset belongs to neither), with the daily means in the title.
// False when there is no onset or no whole block on one side.
export function beforeAfterChart(container, load) {
  if (!load.onset) return false;
  const onset = dayStamp(load.onset, 0);
  const blocks = load.hour_of_day_kw.length / 24;
  const sides = { before: [], after: [] };
  for (let b = 0; b < blocks; b++) {
    const start = blockStart(load, b);
    const end = blockStart(load, b + 1);
    const hours = load.hour_of_day_kw.slice(b * 24, b * 24 + 24);
    if (hours.some(v => v === null)) continue;
    if (end <= onset) sides.before.push(hours);
    else if (start >= onset) sides.after.push(hours);
  }
  if (!sides.before.length || !sides.after.length) return false;
  const average = list => Array.from({ length: 24 }, (_, hour) => list.reduce((sum, hours) => sum + hours[hour], 0) / list.length);
  const dailyMean = after => {
    const days = load.mean_kw.filter((v, i) => v !== null && (dayStamp(load.first_day, i) >= onset) === after);
    return days.length ? days.reduce((a, b) => a + b, 0) / days.length : null;
  };
  const [meanBefore, meanAfter] = [dailyMean(false), dailyMean(true)];
  const chart = draw(container, {
    aria: { enabled: true },
    title: { text: `${t('beforeAfter')}: ${number(meanBefore, 2)} → ${number(meanAfter, 2)} kW`, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: v => `${number(v, 2)} kW` },
    legend: { top: 24 },
    grid: { left: 50, right: 20, top: 60, bottom: 40 },
    xAxis: { type: 'category', data: hourLabels, name: t('hour') },
    yAxis: { type: 'value', name: 'kW', min: 0 },
    series: [
      { type: 'line', name: `${t('beforeOnset')} (${sides.before.length} × 28 d)`, data: average(sides.before), lineStyle: { color: '#2da44e' }, itemStyle: { color: '#2da44e' } },
      { type: 'line', name: `${t('afterOnset')} (${sides.after.length} × 28 d)`, data: average(sides.after), lineStyle: { color: '#a40e26' }, itemStyle: { color: '#a40e26' } },
    ],
  });
  return true;
}
