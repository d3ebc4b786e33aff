// The console's words in English and Simplified Chinese: the person's own choice (kept by the server) wins, then a
// choice made in this browser before signing in, then the browser's language.
const words = {
  en: {
    title: 'MinerWatch', signIn: 'Sign in', userName: 'User name', password: 'Password', signOut: 'Sign out',
    campaign: 'Campaign', cases: 'Cases', evidence: 'Evidence', myCases: 'My cases', language: 'Language',
    wrongPassword: 'Wrong user name or password.', notFound: 'Not found', notFoundText: 'This page or case does not exist, or it is outside your region.',
    region: 'Region', status: 'Status', score: 'Score', minScore: 'Minimum score', class: 'Class', assignee: 'Assignee', subject: 'Subject',
    opened: 'Opened', due: 'Due', miningKw: 'Mining kW', all: 'All', filter: 'Filter', more: 'More', exportCsv: 'Export CSV',
    sortOpened: 'Newest first', sortScore: 'Highest score first', assign: 'Assign selected', assignTo: 'Assign to', none: 'None',
    total: 'Total', confirmedSites: 'Confirmed sites', kwRemoved: 'kW removed', kwhAvoided: 'kWh a year avoided',
    co2Avoided: 't CO2 a year avoided', moneyRecovered: 'Money recovered', suspectedKw: 'Suspected kW', up: 'Up',
    site: 'Site', findings: 'Evidence', estimates: 'Estimates', timeline: 'Timeline', logIndex: 'Log entry', actions: 'Actions',
    moveTo: 'Move to', report: 'Inspection report', reason: 'Reason', amountBilled: 'Amount billed', amountRecovered: 'Amount recovered',
    disconnected: 'Disconnected', apply: 'Apply', comment: 'Comment', addComment: 'Add comment', attach: 'Attach a photo or document', upload: 'Upload',
    attachments: 'Attachments', bundle: 'Download evidence bundle', machines: 'Machines', kwhSinceOnset: 'kWh since onset', co2: 't CO2 since onset',
    backBill: 'Back-bill', surcharge: 'Surcharge', owed: 'Owed', onset: 'Onset', noneAllowed: 'No move is open to you.',
    checkpoint: 'Latest signed checkpoint', verifyLog: 'Verify the whole log', valid: 'Valid', invalid: 'NOT valid', entries: 'entries',
    verifierKey: 'Verifier key', changed: 'The case was changed meanwhile; it has been read again.',
    open: 'open', assigned: 'assigned', inspected: 'inspected', confirmed: 'confirmed', dismissed: 'dismissed', rectified: 'rectified', closed: 'closed',
    meter: 'meter', host: 'host', saved: 'Saved.', failed: 'Failed',
    load: 'Load', dailyKw: 'Daily kW (drag to zoom a period)', mean: 'mean', lowest: 'lowest', highest: 'highest',
    hourOfDay: 'kW by hour of day, per 28 days', block: '28 days from', hour: 'hour',
    verify: 'Check proof', proofOk: 'in the signed log: entry',
    admin: 'Administration', people: 'People', keys: 'API keys', addUser: 'Add a person', addKey: 'Add an API key', add: 'Add',
    role: 'Role', keyName: 'Key name', lockedOut: 'Locked out', revoked: 'Revoked', threshold: 'Campaign threshold (score that opens a case)',
    keyOnce: 'The key, shown this once (send it as Authorization: Bearer KEY):',
    trend: 'Cases week by week', openedWeek: 'opened', map: 'Map of regions and sites', revoke: 'Revoke',
    beforeAfter: 'Mean kW by hour of day, before and after the onset', beforeOnset: 'before', afterOnset: 'after',
    noBeforeAfter: 'No whole 28-day block on both sides of the onset to compare.',
    network: 'Network findings about the site\'s hosts', pool: 'Pool', wallet: 'Wallet', worker: 'Worker', algorithm: 'Algorithm',
    hashRate: 'Hash rate', firstSeen: 'First seen', lastSeen: 'Last seen', sites: 'Sites', addresses: 'The site\'s addresses',
    noAddresses: 'The address book holds no address for this site yet: add its IP range to see its hosts\' traffic here.',
    noNetwork: 'No network finding about these addresses.', addAddress: 'Add an address or prefix', note: 'Note',
    edit: 'Save', unlock: 'Unlock', changeOf: 'Change',
    colourBy: 'Colour regions by', openCases: 'Open cases', savings: 'What settled cases saved, week by week',
    feeder: 'Feeder', contractedKw: 'Contracted kW', name: 'Name', coordinates: 'Latitude, longitude', sort: 'Order', you: 'you',
  },
  'zh-CN': {
    title: 'MinerWatch 挖矿监测', signIn: '登录', userName: '用户名', password: '密码', signOut: '退出',
    campaign: '专项整治', cases: '案件', evidence: '证据', myCases: '我的案件', language: '语言',
    wrongPassword: '用户名或密码错误。', notFound: '未找到', notFoundText: '该页面或案件不存在，或不在您的辖区内。',
    region: '区域', status: '状态', score: '评分', minScore: '最低评分', class: '用户类别', assignee: '承办人', subject: '对象',
    opened: '立案时间', due: '期限', miningKw: '挖矿功率 (kW)', all: '全部', filter: '筛选', more: '更多', exportCsv: '导出 CSV',
    sortOpened: '最新在前', sortScore: '评分最高在前', assign: '分派所选', assignTo: '分派给', none: '无',
    total: '合计', confirmedSites: '确认站点', kwRemoved: '拆除功率 (kW)', kwhAvoided: '年节电量 (kWh)',
    co2Avoided: '年减排 (吨 CO2)', moneyRecovered: '追缴金额', suspectedKw: '疑似功率 (kW)', up: '上一级',
    site: '站点', findings: '证据', estimates: '估算', timeline: '时间线', logIndex: '日志条目', actions: '操作',
    moveTo: '转为', report: '核查报告', reason: '理由', amountBilled: '追缴电费', amountRecovered: '已追回金额',
    disconnected: '已断电', apply: '提交', comment: '备注', addComment: '添加备注', attach: '上传照片或文件', upload: '上传',
    attachments: '附件', bundle: '下载证据包', machines: '矿机台数', kwhSinceOnset: '起始以来电量 (kWh)', co2: '起始以来排放 (吨 CO2)',
    backBill: '补缴电费', surcharge: '加价', owed: '应缴合计', onset: '起始日期', noneAllowed: '您当前无可执行的操作。',
    checkpoint: '最新签名检查点', verifyLog: '校验全部日志', valid: '有效', invalid: '无效', entries: '条',
    verifierKey: '验证公钥', changed: '案件已被他人修改，已重新读取。',
    open: '待处理', assigned: '已分派', inspected: '已核查', confirmed: '已确认', dismissed: '已排除', rectified: '已整改', closed: '已结案',
    meter: '电表', host: '主机', saved: '已保存。', failed: '失败',
    load: '负荷', dailyKw: '每日功率 kW（拖动可放大时段）', mean: '平均', lowest: '最低', highest: '最高',
    hourOfDay: '分时功率 kW（每 28 天）', block: '起始日期', hour: '时',
    verify: '校验证明', proofOk: '已在签名日志中：条目',
    admin: '系统管理', people: '用户', keys: 'API 密钥', addUser: '添加用户', addKey: '添加 API 密钥', add: '添加',
    role: '角色', keyName: '密钥名称', lockedOut: '已锁定', revoked: '已吊销', threshold: '立案阈值（达到该评分即立案）',
    keyOnce: '密钥仅显示这一次（以 Authorization: Bearer 密钥 发送）：',
    trend: '按周案件趋势', openedWeek: '立案', map: '区域与站点地图', revoke: '吊销',
    beforeAfter: '起始日期前后的分时平均功率 (kW)', beforeOnset: '起始前', afterOnset: '起始后',
    noBeforeAfter: '起始日期前后没有完整的 28 天时段可供比较。',
    network: '站点主机的网络发现', pool: '矿池', wallet: '钱包地址', worker: '矿工名', algorithm: '算法',
    hashRate: '算力', firstSeen: '首次发现', lastSeen: '最近发现', sites: '站点', addresses: '站点的网络地址',
    noAddresses: '地址簿中尚无该站点的地址：添加其 IP 段即可在此看到其主机的流量。',
    noNetwork: '这些地址没有网络发现。', addAddress: '添加地址或网段', note: '备注',
    edit: '保存', unlock: '解锁', changeOf: '修改',
    colourBy: '区域着色依据', openCases: '未结案件', savings: '按周节能减排与追缴',
    feeder: '馈线', contractedKw: '合同容量 (kW)', name: '名称', coordinates: '纬度, 经度', sort: '排序', you: '您',
  },
};

// The signed-in person's choice, kept by the server, goes with them to every browser.
let personal = null;

export function setPersonal(lang) { personal = lang && words[lang] ? lang : null; }

export function language() {
  if (personal) return personal;
  const chosen = localStorage.getItem('mw-lang');
  if (chosen && words[chosen]) return chosen;
  return (navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function setLanguage(lang) {
  localStorage.setItem('mw-lang', lang);
  document.documentElement.lang = lang;
}

export function t(key) {
  return words[language()][key] ?? words.en[key] ?? key;
}

// A region's local time zone, from its country code: times are shown where the site is.
const zones = { CN: 'Asia/Shanghai', KZ: 'Asia/Almaty', IR: 'Asia/Tehran', MY: 'Asia/Kuala_Lumpur', RU: 'Europe/Moscow', US: 'America/New_York' };

// A region path's country: the ISO 3166 alpha-2 code its first part starts with (CN-GD/Guangzhou -> CN).
export function countryOf(region) {
  return (region || '').split('/')[0].split('-')[0].toUpperCase();
}

function zoneOf(region) {
  return zones[countryOf(region)];
}

// A case's statuses in the order of its workflow; the first four are the active ones.
export const statuses = ['open', 'assigned', 'inspected', 'confirmed', 'dismissed', 'rectified', 'closed'];
export const activeStatuses = statuses.slice(0, 4);

export function when(iso, region) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(language(), { timeZone: zoneOf(region), dateStyle: 'medium', timeStyle: 'short' });
}

export function number(value, digits = 2) {
  if (value === null || value === undefined) return '';
  return Number(value).toLocaleString(language(), { maximumFractionDigits: digits });
}
