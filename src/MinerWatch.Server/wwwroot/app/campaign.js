import { api, ahead } from '/app/api.js';
import { t, number, statuses, activeStatuses, countryOf } from '/app/i18n.js';
import { h, show } from '/app/dom.js';

export async function campaignPage(who, params) {
  const region = params.get('region') ?? who.region;
  const trendAhead = ahead(api(`/campaign/trend?region=${encodeURIComponent(region)}`));
  const pointsAhead = ahead(api(`/campaign/points?region=${encodeURIComponent(region)}`));
  const outlinesAhead = ahead(api(`/campaign/outlines?region=${encodeURIComponent(region)}`));
  const chartsAhead = import('/app/charts.js');
  const summary = await api(`/campaign/summary?region=${encodeURIComponent(region)}`);
  const row = (r, link) => h('tr', {},
    h('th', { scope: 'row' }, link ? h('a', { href: `#/campaign?region=${encodeURIComponent(r.region)}` }, r.region) : r.region),
    ...statuses.map(s => h('td', { class: 'num' }, h('a', { href: `#/cases?region=${encodeURIComponent(link ? r.region : region)}&status=${s}` }, number(r.cases_by_status[s], 0)))),
    h('td', { class: 'num' }, number(r.confirmed_sites, 0)), h('td', { class: 'num' }, number(r.suspected_kw, 1)),
    h('td', { class: 'num' }, number(r.kw_removed, 1)), h('td', { class: 'num' }, number(r.kwh_per_year_avoided, 0)),
    h('td', { class: 'num' }, number(r.co2_tonnes_per_year_avoided, 1)), h('td', { class: 'num' }, number(r.money_recovered, 2)));
  const trend = h('div', { class: 'chart heat', id: 'trend' });
  const savings = h('div', { class: 'chart heat', id: 'savings' });
  const map = h('div', { class: 'chart map', id: 'map' });
  const measure = h('select', { id: 'measure', 'aria-label': t('colourBy') },
    h('option', { value: 'openCases' }, t('openCases')), h('option', { value: 'suspectedKw' }, t('suspectedKw')));
  const parent = region.includes('/') ? region.slice(0, region.lastIndexOf('/')) : '';
  const up = region && region !== who.region ? h('a', { href: `#/campaign?region=${encodeURIComponent(parent)}` }, `↑ ${t('up')}`) : null;
  show(h('section', {},
    h('h1', { tabindex: -1 }, `${t('campaign')}${region ? ': ' + region : ''}`), up,
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('region')), ...statuses.map(s => h('th', { scope: 'col' }, t(s))),
        ...[t('confirmedSites'), t('suspectedKw'), t('kwRemoved'), t('kwhAvoided'), t('co2Avoided'), t('moneyRecovered')].map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...summary.children.map(r => row(r, r.region !== region))),
      h('tfoot', {}, row({ ...summary.total, region: t('total') }, false))))),
    h('section', { class: 'card' }, h('h2', {}, t('map')), h('label', {}, `${t('colourBy')} `, measure), map),
    h('section', { class: 'card' }, h('h2', {}, t('trend')), trend),
    h('section', { class: 'card' }, h('h2', {}, t('savings')), savings));
  const [points, charts, own] = await Promise.all([pointsAhead, chartsAhead, outlinesAhead]);
  if (!map.isConnected) return;
  // The operator's outlines of this region's parts where given; else the bundled countries, zoomed to the sites.
  const world = own.features.length === 0;
  const outlines = world ? await (await import('/app/maps.js')).worldOutlines() : own;
  if (!map.isConnected) return;
  const figure = (r, m) => m === 'suspectedKw' ? r.suspected_kw : activeStatuses.reduce((n, s) => n + r.cases_by_status[s], 0);
  const drawMap = () => {
    const values = {};
    // On the countries, each country sums the regions within it; on outlines, the scope's own outline is the
    // uncoloured backdrop and its parts carry the figures.
    const rows = world ? (region ? [{ ...summary.total, region }] : summary.children) : summary.children.filter(c => c.region !== region);
    if (!world) for (const f of outlines.features) if (f.properties.region !== region) values[f.properties.region] = 0;
    for (const r of rows) {
      const name = world ? countryOf(r.region) : r.region;
      values[name] = (values[name] ?? 0) + figure(r, measure.value);
    }
    charts.dispose(map);
    charts.regionMap(map, {
      outlines, values, measure: measure.value, points, zoomToPoints: world,
      drill: name => { if (!world && name !== region) location.hash = `#/campaign?region=${encodeURIComponent(name)}`; },
      open: id => { location.hash = `#/cases/${encodeURIComponent(id)}`; },
    });
  };
  measure.onchange = drawMap;
  drawMap();
  const weeks = await trendAhead;
  if (!trend.isConnected) return;
  if (weeks.length === 0) {
    trend.replaceChildren(h('p', {}, t('none')));
    savings.replaceChildren(h('p', {}, t('none')));
  } else {
    charts.weeklyChart(trend, weeks);
    charts.savingsChart(savings, weeks);
  }
}

export async function evidencePage() {
  const [checkpoint, key] = await Promise.all([api('/evidence/checkpoint'), api('/evidence/key')]);
  const result = h('p', { role: 'status' });
  show(h('section', {},
    h('h1', { tabindex: -1 }, t('evidence')),
    h('section', { class: 'card' }, h('h2', {}, t('checkpoint')), h('pre', {}, checkpoint)),
    h('section', { class: 'card' }, h('h2', {}, t('verifierKey')), h('pre', {}, key)),
    h('section', { class: 'card' }, h('button', {
      type: 'button',
      onclick: async () => {
        result.textContent = '…';
        const report = await api('/evidence/verify');
        result.textContent = `${report.valid ? t('valid') : t('invalid')}: ${report.size} ${t('entries')}${report.problems.length ? ' — ' + report.problems.join('; ') : ''}`;
      },
    }, t('verifyLog')), result)));
}
