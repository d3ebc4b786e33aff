import { api } from '/app/api.js';
import { t } from '/app/i18n.js';
import { h, show, field } from '/app/dom.js';

// People, machines' keys and the campaign threshold. The server decides what the caller may add where.
export async function adminPage(who) {
  const [users, keys, threshold] = await Promise.all([api('/users'), api('/keys'), api('/settings/threshold')]);
  const message = h('p', { role: 'status' });
  const say = text => { message.textContent = text; };

  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const role = h('select', { name: 'role' }, ...rolesFor(who).map(r => h('option', { value: r }, r)));
  const region = h('input', { name: 'region', value: who.region });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 12, required: true });
  const addUser = h('form', {
    class: 'card',
    onsubmit: async e => {
      e.preventDefault();
      try {
        await api('/users', { method: 'POST', body: { name: name.value, role: role.value, region: region.value, password: password.value } });
        await adminPage(who);
      } catch (err) { say(err.message); }
    },
  }, h('h2', {}, t('addUser')), field(t('userName'), name), field(t('role'), role), field(t('region'), region), field(t('password'), password),
    h('button', { type: 'submit' }, t('add')));

  const keyName = h('input', { name: 'key-name', required: true, autocomplete: 'off' });
  const keyRegion = h('input', { name: 'key-region', value: who.region });
  const shown = h('pre', { class: 'secret' });
  const addKey = h('form', {
    class: 'card',
    onsubmit: async e => {
      e.preventDefault();
      try {
        const made = await api('/keys', { method: 'POST', body: { name: keyName.value, region: keyRegion.value } });
        // Shown here once; the server keeps only its hash.
        shown.textContent = `${t('keyOnce')}\n${made.key}`;
      } catch (err) { say(err.message); }
    },
  }, h('h2', {}, t('addKey')), field(t('keyName'), keyName), field(t('region'), keyRegion), h('button', { type: 'submit' }, t('add')), shown);

  let thresholdForm = null;
  if (who.role === 'admin') {
    const value = h('input', { name: 'threshold', type: 'number', min: '0.01', max: '1', step: '0.01', value: threshold.threshold });
    thresholdForm = h('form', {
      class: 'card',
      onsubmit: async e => {
        e.preventDefault();
        try {
          await api('/settings/threshold', { method: 'PUT', body: { threshold: Number(value.value) } });
          say(t('saved'));
        } catch (err) { say(err.message); }
      },
    }, h('h2', {}, t('threshold')), field(t('threshold'), value), h('button', { type: 'submit' }, t('apply')));
  }

  show(h('section', {},
    h('h1', { tabindex: -1 }, t('admin')), message,
    h('section', { class: 'card' }, h('h2', {}, t('people')), h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ...[t('userName'), t('role'), t('region'), t('lockedOut'), t('changeOf')].map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...users.map(u => personRow(who, u, say)))))),
    addUser,
    h('section', { class: 'card' }, h('h2', {}, t('keys')), h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ...[t('keyName'), t('role'), t('region'), t('revoked')].map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...keys.map(k => h('tr', {}, h('td', {}, k.name), h('td', {}, k.role), h('td', {}, k.region || '—'),
        h('td', {}, k.revoked ? '✓' : h('button', {
          type: 'button',
          class: 'small',
          'aria-label': `${t('revoke')} ${k.name}`,
          onclick: async () => {
            try {
              await api(`/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
              await adminPage(who);
            } catch (err) { say(err.message); }
          },
        }, t('revoke'))))))))),
    addKey, thresholdForm));
}

function rolesFor(who) {
  return ['inspector', 'lead', 'auditor', ...(who.role === 'admin' ? ['admin'] : [])];
}

// One person: their role and region grant changed in place (which ends their sessions), unlocked after too many
// wrong passwords. Nobody changes their own grant, and only an admin touches an admin.
function personRow(who, u, say) {
  const locked = u.locked_out ? h('button', {
    type: 'button', class: 'small', 'aria-label': `${t('unlock')} ${u.name}`,
    onclick: async () => {
      try {
        await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { unlock: true } });
        await adminPage(who);
      } catch (err) { say(err.message); }
    },
  }, t('unlock')) : '';
  if (u.id === who.id || (u.role === 'admin' && who.role !== 'admin')) {
    return h('tr', {}, h('td', {}, u.name), h('td', {}, u.role), h('td', {}, u.region || '—'), h('td', {}, u.locked_out ? '✓ ' : '', locked), h('td', {}, ''));
  }
  const role = h('select', { 'aria-label': `${t('role')} ${u.name}` }, ...rolesFor(who).map(r => h('option', { value: r, selected: r === u.role }, r)));
  const region = h('input', { 'aria-label': `${t('region')} ${u.name}`, value: u.region });
  const save = h('button', {
    type: 'button', class: 'small', 'aria-label': `${t('edit')} ${u.name}`,
    onclick: async () => {
      try {
        await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { role: role.value, region: region.value } });
        await adminPage(who);
        say(t('saved'));
      } catch (err) { say(err.message); }
    },
  }, t('edit'));
  return h('tr', {}, h('td', {}, u.name), h('td', {}, role), h('td', {}, region), h('td', {}, u.locked_out ? '✓ ' : '', locked), h('td', {}, save));
}
