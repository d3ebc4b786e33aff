import { api, ahead, ApiError } from '/app/api.js';
import { t, when, number, statuses } from '/app/i18n.js';
import { h, show, field } from '/app/dom.js';

// Who a case may be assigned to, and how a person is named in a list of them.
const assignable = users => users.filter(u => u.role === 'inspector' || u.role === 'lead');
const personLabel = u => `${u.name} (${u.region || '—'})`;

export async function casesPage(who, params) {
  const query = new URLSearchParams();
  for (const key of ['region', 'status', 'min_score', 'class', 'assignee', 'sort']) if (params.get(key)) query.set(key, params.get(key));
  query.set('limit', '50');
  if (params.get('cursor')) query.set('cursor', params.get('cursor'));
  const page = await api(`/cases?${query}`);
  const canAssign = who.role === 'admin' || who.role === 'lead';
  const inspectors = canAssign ? assignable(await api('/users')) : [];

  const filters = h('form', {
    class: 'filters',
    onsubmit: e => {
      e.preventDefault();
      const data = new FormData(e.target);
      const next = new URLSearchParams();
      for (const [key, value] of data) if (value) next.set(key, value);
      location.hash = `#/cases?${next}`;
    },
  },
  field(t('region'), h('input', { name: 'region', value: params.get('region') || '', placeholder: who.region || 'CN-GD/...' })),
  field(t('status'), h('select', { name: 'status' }, h('option', { value: '' }, t('all')),
    ...statuses.map(s => h('option', { value: s, selected: params.get('status') === s }, t(s))))),
  field(t('minScore'), h('input', { name: 'min_score', type: 'number', step: '0.01', min: '0', max: '1', value: params.get('min_score') || '' })),
  field(t('class'), h('input', { name: 'class', value: params.get('class') || '' })),
  canAssign ? field(t('assignee'), h('select', { name: 'assignee' }, h('option', { value: '' }, t('all')),
    ...inspectors.map(u => h('option', { value: u.id, selected: params.get('assignee') === u.id }, u.name)))) : null,
  field(t('sort'), h('select', { name: 'sort' },
    h('option', { value: 'opened', selected: params.get('sort') !== 'score' }, t('sortOpened')),
    h('option', { value: 'score', selected: params.get('sort') === 'score' }, t('sortScore')))),
  h('button', { type: 'submit' }, t('filter')));

  const boxes = [];
  const rows = page.items.map(c => {
    const box = canAssign ? h('input', { type: 'checkbox', value: c.id, 'aria-label': c.subject_id }) : null;
    if (box) boxes.push(box);
    return h('tr', {},
      canAssign ? h('td', {}, box) : null,
      h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.id)}` }, `${t(c.subject_kind)} ${c.subject_id}`)),
      h('td', {}, c.region), h('td', {}, t(c.status)), h('td', { class: 'num' }, number(c.score, 3)),
      h('td', {}, c.customer_class || ''), h('td', { class: 'num' }, number(c.mining_kw, 1)), h('td', {}, when(c.opened, c.region)));
  });
  const table = h('table', {},
    h('thead', {}, h('tr', {}, canAssign ? h('th', {}, '') : null, ...[t('subject'), t('region'), t('status'), t('score'), t('class'), t('miningKw'), t('opened')]
      .map(text => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, rows));

  // Every case the filters select, from the server (not only this page), for the district's spreadsheet.
  const exportQuery = new URLSearchParams(query);
  for (const key of ['limit', 'cursor', 'sort']) exportQuery.delete(key);
  const exportLink = h('a', { class: 'button', href: `/api/v1/cases/export?${exportQuery}`, download: 'cases.csv' }, t('exportCsv'));

  let assign = null;
  if (canAssign) {
    const who2 = h('select', { 'aria-label': t('assignTo') }, ...inspectors.map(u => h('option', { value: u.id }, personLabel(u))));
    const message = h('span', { role: 'status' });
    assign = h('div', { class: 'row' }, field(t('assignTo'), who2), h('button', {
      type: 'button',
      onclick: async () => {
        const chosen = boxes.filter(b => b.checked).map(b => b.value);
        const failures = [];
        for (const id of chosen) {
          try {
            await api(`/cases/${id}/transitions`, { method: 'POST', body: { to: 'assigned', assignee_id: who2.value } });
          } catch (err) {
            failures.push(`${id}: ${err.message}`);
          }
        }
        message.textContent = failures.length ? failures.join('; ') : t('saved');
      },
    }, t('assign')), message);
  }

  const more = page.next ? h('a', { href: `#/cases?${new URLSearchParams({ ...Object.fromEntries(params), cursor: page.next })}` }, t('more')) : null;
  show(h('section', {}, h('h1', { tabindex: -1 }, who.role === 'inspector' ? t('myCases') : t('cases')), filters, assign, h('div', { class: 'scroll' }, table), h('div', { class: 'row' }, exportLink, more)));
}

// Checks the event's proof here, in the browser, against the log's key: the server is not asked whether it is valid.
function verifyButton(caseId, ev) {
  const result = h('span', { class: 'proof', role: 'status' });
  const button = h('button', {
    type: 'button',
    class: 'small',
    onclick: async () => {
      result.textContent = '…';
      try {
        const base = `/api/v1/cases/${encodeURIComponent(caseId)}/events/${encodeURIComponent(ev.id)}`;
        const get = async (url, read) => {
          const r = await fetch(url, { credentials: 'same-origin' });
          if (!r.ok) throw new ApiError(r.status, `${url}: HTTP ${r.status}`);
          return read(r);
        };
        const [entry, proof, key] = await Promise.all([
          get(`${base}/entry`, r => r.arrayBuffer()), get(`${base}/proof`, r => r.text()), get('/api/v1/evidence/key', r => r.text())]);
        const { verify } = await import('/app/proof.js');
        const ok = await verify(proof, new Uint8Array(entry), key);
        result.textContent = `✓ ${t('proofOk')} #${ok.index} / ${ok.size}`;
        result.className = 'proof ok';
      } catch (err) {
        result.textContent = `✗ ${err.message}`;
        result.className = 'proof bad';
      }
    },
  }, t('verify'));
  return [button, result];
}

function definition(pairs) {
  return h('dl', {}, ...pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export async function casePage(who, id) {
  const missing = err => { if (err instanceof ApiError && err.status === 404) return null; throw err; };
  // The load and the chart libraries are fetched while the case is read, not after.
  const loadAhead = ahead(api(`/cases/${encodeURIComponent(id)}/load`).catch(missing));
  const chartsAhead = import('/app/charts.js');
  const c = await api(`/cases/${encodeURIComponent(id)}`);
  const [events, attachments] = await Promise.all([api(`/cases/${encodeURIComponent(id)}/events`), api(`/cases/${encodeURIComponent(id)}/attachments`)]);
  const [site, network] = await Promise.all([
    c.subject_kind === 'meter' ? api(`/cases/${encodeURIComponent(id)}/site`).catch(missing) : null,
    api(`/cases/${encodeURIComponent(id)}/network`)]);
  // The people are read once: a lead sees the assignee's name, and whom the case may be assigned to.
  const moves = c.allowed_transitions;
  const manages = who.role === 'admin' || who.role === 'lead';
  const users = manages && c.assignee_id && c.assignee_id !== who.id || moves.includes('assigned') ? await api('/users') : [];
  // An inspector sees whether the assignee is them.
  const person = c.assignee_id && c.assignee_id !== who.id && manages ? users.find(u => u.id === c.assignee_id) : null;
  const assigneeName = c.assignee_id === who.id ? t('you') : person ? personLabel(person) : c.assignee_id;
  const finding = c.finding || {};
  const e = c.estimates || {};
  const evidence = (finding.evidence || []).map(x => h('li', {}, h('strong', {}, `${x.detector} (${number(x.points, 2)})`), ' ', x.detail));
  const timeline = h('ol', { class: 'timeline' }, ...events.map(ev => h('li', {},
    h('span', { class: 'when' }, when(ev.at, c.region)), ' ', h('strong', {}, ev.kind), ' ', ev.actor, ' ',
    ev.entry?.data?.to ? `→ ${t(ev.entry.data.to)}` : '', ev.entry?.data?.text ? `“${ev.entry.data.text}”` : '',
    ev.entry?.data?.file ? `${ev.entry.data.file} (${ev.entry.data.sha256.slice(0, 12)}…)` : '',
    h('span', { class: 'log' }, `${t('logIndex')} #${ev.log_index ?? '…'}`), ' ', verifyButton(id, ev))));

  const message = h('p', { role: 'status' });
  let actions;
  if (moves.length === 0) actions = h('p', {}, t('noneAllowed'));
  else {
    const to = h('select', { name: 'to' }, ...moves.map(m => h('option', { value: m }, t(m))));
    const report = h('textarea', { name: 'report', rows: 3 });
    const reason = h('input', { name: 'reason' });
    const billed = h('input', { name: 'amount_billed', type: 'number', min: '0', step: '0.01' });
    const recovered = h('input', { name: 'amount_recovered', type: 'number', min: '0', step: '0.01' });
    const disconnected = h('input', { name: 'disconnected', type: 'checkbox' });
    const assignee = h('select', { name: 'assignee_id' }, ...assignable(users).map(u => h('option', { value: u.id, selected: u.id === c.assignee_id }, personLabel(u))));
    const form = h('form', {
      class: 'card',
      onsubmit: async ev => {
        ev.preventDefault();
        const body = { to: to.value };
        if (to.value === 'inspected') body.report = report.value;
        if (to.value === 'dismissed') body.reason = reason.value;
        if (to.value === 'assigned') body.assignee_id = assignee.value;
        if (to.value === 'rectified') {
          body.disconnected = disconnected.checked;
          if (billed.value) body.amount_billed = Number(billed.value);
        }
        if (to.value === 'closed' && recovered.value) body.amount_recovered = Number(recovered.value);
        try {
          await api(`/cases/${encodeURIComponent(id)}/transitions`, { method: 'POST', body });
          await casePage(who, id);
        } catch (err) {
          message.textContent = err.status === 412 ? t('changed') : err.message;
          if (err.status === 412) await casePage(who, id);
        }
      },
    }, h('h2', {}, t('actions')), field(t('moveTo'), to));
    // Each move shows only the fields it takes.
    const fieldsOf = {
      assigned: [field(t('assignTo'), assignee)],
      inspected: [field(t('report'), report)],
      dismissed: [field(t('reason'), reason)],
      rectified: [field(t('disconnected'), disconnected), field(t('amountBilled'), billed)],
      closed: [field(t('amountRecovered'), recovered)],
    };
    const all = Object.values(fieldsOf).flat();
    form.append(...all, h('button', { type: 'submit' }, t('apply')), message);
    const sync = () => { for (const f of all) f.hidden = !(fieldsOf[to.value] || []).includes(f); };
    to.addEventListener('change', sync);
    sync();
    actions = form;
  }

  const canWork = who.role !== 'auditor';
  const commentBox = h('textarea', { name: 'comment', rows: 2, 'aria-label': t('comment') });
  const comment = canWork ? h('form', {
    class: 'card',
    onsubmit: async ev => {
      ev.preventDefault();
      await api(`/cases/${encodeURIComponent(id)}/comments`, { method: 'POST', body: { text: commentBox.value } });
      await casePage(who, id);
    },
  }, h('h2', {}, t('comment')), commentBox, h('button', { type: 'submit' }, t('addComment'))) : null;

  // On a phone the camera opens directly.
  const file = h('input', { type: 'file', name: 'file', accept: 'image/*,application/pdf', capture: 'environment', 'aria-label': t('attach') });
  const upload = canWork ? h('form', {
    class: 'card',
    onsubmit: async ev => {
      ev.preventDefault();
      if (!file.files.length) return;
      const form = new FormData();
      form.append('file', file.files[0], file.files[0].name);
      await api(`/cases/${encodeURIComponent(id)}/attachments`, { method: 'POST', form });
      await casePage(who, id);
    },
  }, h('h2', {}, t('attach')), file, h('button', { type: 'submit' }, t('upload'))) : null;

  const networkCard = networkSection(who, c, network, () => casePage(who, id));

  const daily = h('div', { class: 'chart', id: 'daily' });
  const heat = h('div', { class: 'chart heat', id: 'heat' });
  const beforeAfter = h('div', { class: 'chart heat', id: 'before-after' });
  const loadCard = c.subject_kind === 'meter' ? h('section', { class: 'card' }, h('h2', {}, t('load')), daily, heat, beforeAfter) : null;
  show(h('section', {},
    h('h1', { tabindex: -1 }, `${t(c.subject_kind)} ${c.subject_id}`),
    h('p', { class: 'status' }, `${t(c.status)} · ${t('score')} ${number(c.score, 3)} · ${c.region}`),
    h('div', { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, t('site')), definition([
        [t('class'), c.customer_class], [t('region'), c.region], [t('feeder'), site?.feeder_id], [t('contractedKw'), site ? number(site.contracted_kw, 1) : null],
        [t('name'), site?.name], [t('coordinates'), site?.latitude !== undefined && site?.latitude !== null ? `${site.latitude}, ${site.longitude}` : null],
        [t('assignee'), assigneeName], [t('due'), c.due]])),
      h('section', { class: 'card' }, h('h2', {}, t('estimates')), definition([
        [t('miningKw'), number(e.mining_kw ?? c.mining_kw, 1)], [t('machines'), e.machines_low !== undefined && e.machines_low !== null ? `${e.machines_low}–${e.machines_high}` : null],
        [t('onset'), e.onset], [t('kwhSinceOnset'), number(e.kwh_since_onset, 0)], [t('co2'), number(e.co2_tonnes_since_onset, 2)],
        [t('backBill'), number(e.back_bill, 2)], [t('surcharge'), number(e.surcharge, 2)], [t('owed'), e.owed !== null && e.owed !== undefined ? `${number(e.owed, 2)} ${e.currency || ''}` : null],
        ['', e.computed_by]]))),
    loadCard,
    h('section', { class: 'card' }, h('h2', {}, t('findings')), h('ul', {}, evidence)),
    networkCard,
    h('section', { class: 'card' }, h('h2', {}, t('timeline')), timeline),
    h('section', { class: 'card' }, h('h2', {}, t('attachments')), h('ul', {}, ...attachments.map(a => h('li', {},
      h('a', { href: `/api/v1/cases/${encodeURIComponent(id)}/attachments/${a.id}` }, a.file_name), ` ${a.sha256.slice(0, 12)}…`)))),
    actions, comment, upload,
    h('p', {}, h('a', { href: `/api/v1/cases/${encodeURIComponent(id)}/bundle`, download: `case-${id}.zip` }, t('bundle')))));
  if (loadCard) {
    // The chart libraries load only where a load is drawn.
    const load = await loadAhead;
    if (load) {
      const charts = await chartsAhead;
      if (!daily.isConnected) return;
      charts.dailyChart(daily, load);
      charts.heatMap(heat, load);
      if (!charts.beforeAfterChart(beforeAfter, load)) beforeAfter.replaceChildren(h('p', {}, t('noBeforeAfter')));
    } else loadCard.remove();
  }
}

// What the network showed about the site's hosts (through the address book) or about this host: pool, wallet,
// worker, hash rate, when. A lead adds the site's addresses here.
function networkSection(who, c, network, reload) {
  const rows = network.findings.map(f => h('tr', {},
    h('td', {}, f.host), h('td', {}, f.pool || f.endpoint), h('td', { class: 'wrap' }, f.wallet || ''), h('td', {}, f.worker || ''), h('td', {}, f.algorithm || ''),
    h('td', { class: 'num' }, f.hash_rate ? hashRate(f.hash_rate) : ''), h('td', {}, when(f.first_seen, c.region)), h('td', {}, when(f.last_seen, c.region)),
    h('td', {}, f.sites.join(', '))));
  const table = rows.length ? h('div', { class: 'scroll' }, h('table', { id: 'network' },
    h('thead', {}, h('tr', {}, ...[t('host'), t('pool'), t('wallet'), t('worker'), t('algorithm'), t('hashRate'), t('firstSeen'), t('lastSeen'), t('sites')]
      .map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows))) : h('p', {}, c.subject_kind === 'meter' && !network.addresses.length ? t('noAddresses') : t('noNetwork'));
  const addresses = c.subject_kind === 'meter' && network.addresses.length
    ? h('p', {}, `${t('addresses')}: `, network.addresses.map(a => a.prefix + (a.note ? ` (${a.note})` : '')).join(', ')) : null;
  let add = null;
  if (c.subject_kind === 'meter' && (who.role === 'admin' || who.role === 'lead')) {
    const address = h('input', { name: 'address', required: true, placeholder: '10.2.0.0/16' });
    const note = h('input', { name: 'note' });
    const message = h('span', { role: 'status' });
    add = h('form', {
      class: 'row',
      onsubmit: async ev => {
        ev.preventDefault();
        try {
          await api(`/sites/${encodeURIComponent(c.subject_id)}/addresses`, { method: 'POST', body: { address: address.value, note: note.value || null } });
          await reload();
        } catch (err) { message.textContent = err.message; }
      },
    }, field(t('addAddress'), address), field(t('note'), note), h('button', { type: 'submit' }, t('add')), message);
  }
  return h('section', { class: 'card' }, h('h2', {}, t('network')), addresses, table, add);
}

function hashRate(hs) {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s'];
  let k = 0;
  while (hs >= 1000 && k < units.length - 1) { hs /= 1000; k++; }
  return `${number(hs, 2)} ${units[k]}`;
}
