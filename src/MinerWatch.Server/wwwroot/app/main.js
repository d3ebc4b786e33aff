import { api, me, setToken, ApiError, Stale, navigated, currentNavigation } from '/app/api.js';
import { t, language, setLanguage, setPersonal } from '/app/i18n.js';
import { h, show, field } from '/app/dom.js';
import { casesPage, casePage } from '/app/cases.js';
import { campaignPage, evidencePage } from '/app/campaign.js';
import { adminPage } from '/app/admin.js';

let who = null;

// Each role starts where its work is: a lead on the campaign, an inspector on their cases, an auditor on the evidence.
function startOf(role) {
  return role === 'inspector' ? '#/cases' : role === 'auditor' ? '#/evidence' : '#/campaign';
}

function bar() {
  const header = document.getElementById('bar');
  if (!who) {
    header.hidden = true;
    return;
  }
  header.hidden = false;
  const links = [];
  if (who.role === 'admin' || who.role === 'lead' || who.role === 'auditor') links.push(['#/campaign', t('campaign')]);
  links.push(['#/cases', who.role === 'inspector' ? t('myCases') : t('cases')]);
  if (who.role !== 'inspector') links.push(['#/evidence', t('evidence')]);
  if (who.role === 'admin' || who.role === 'lead') links.push(['#/admin', t('admin')]);
  const select = h('select', {
    'aria-label': t('language'),
    onchange: async e => {
      setLanguage(e.target.value);
      setPersonal(e.target.value);
      await api('/auth/me/language', { method: 'PUT', body: { language: e.target.value } });
      route();
    },
  },
    h('option', { value: 'en', selected: language() === 'en' }, 'English'),
    h('option', { value: 'zh-CN', selected: language() === 'zh-CN' }, '简体中文'));
  header.replaceChildren(h('nav', { 'aria-label': 'main' },
    h('strong', {}, t('title')),
    ...links.map(([href, text]) => h('a', { href, 'aria-current': location.hash.startsWith(href) ? 'page' : null }, text)),
    h('span', { class: 'who' }, `${who.name} (${who.role}${who.region ? ', ' + who.region : ''})`),
    select,
    h('button', { type: 'button', onclick: signOut }, t('signOut'))));
}

async function signOut() {
  await api('/auth/logout', { method: 'POST' });
  who = null;
  setToken(null);
  setPersonal(null);
  location.hash = '#/signin';
}

function signInPage() {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('p', { role: 'alert', class: 'error' });
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async e => {
      e.preventDefault();
      try {
        await api('/auth/login', { method: 'POST', body: { user_name: user.value, password: password.value } });
        who = await me();
        setPersonal(who.language);
        location.hash = startOf(who.role);
      } catch (err) {
        message.textContent = err instanceof ApiError && err.status === 401 ? t('wrongPassword') : err.message;
      }
    },
  }, h('h1', { tabindex: -1 }, t('signIn')), field(t('userName'), user), field(t('password'), password), message,
    h('button', { type: 'submit' }, t('signIn')));
  show(form);
}

function notFoundPage() {
  show(h('section', { class: 'card' }, h('h1', { tabindex: -1 }, t('notFound')), h('p', {}, t('notFoundText'))));
}

async function route() {
  // A page still loading when the person moved on must not draw or report into the next page.
  const current = navigated();
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  if (!who) {
    try {
      who = await me();
    } catch (err) {
      if (err instanceof Stale) return;
      throw err;
    }
    setPersonal(who?.language);
  }
  document.documentElement.lang = language();
  document.title = t('title');
  bar();
  if (!who) {
    if (path !== '/signin') location.hash = '#/signin';
    else signInPage();
    return;
  }
  try {
    if (path === '/' || path === '/signin') location.hash = startOf(who.role);
    else if (path === '/campaign') await campaignPage(who, params);
    else if (path === '/cases') await casesPage(who, params);
    else if (path.startsWith('/cases/')) await casePage(who, decodeURIComponent(path.slice('/cases/'.length)));
    else if (path === '/evidence') await evidencePage();
    else if (path === '/admin' && (who.role === 'admin' || who.role === 'lead')) await adminPage(who);
    else notFoundPage();
  } catch (err) {
    if (current !== currentNavigation()) return;
    if (err instanceof ApiError && err.status === 404) notFoundPage();
    else if (err instanceof ApiError && err.status === 401) {
      who = null;
      location.hash = '#/signin';
    } else show(h('section', { class: 'card' }, h('h1', { tabindex: -1 }, t('failed')), h('p', { role: 'alert' }, err.message)));
  }
}

window.addEventListener('hashchange', route);
route();
