// Checks an event's proof in the browser, with the specifications alone: the event's leaf hash (RFC 6962), its
// inclusion path to the checkpoint's root (RFC 9162 2.1.3.2), and the checkpoint's Ed25519 signature by the log's
// key (c2sp.org signed-note). Nothing here trusts the server's word: a tampered event, path or checkpoint fails.
const encoder = new TextEncoder();

function base64(text) {
  const raw = atob(text);
  return Uint8Array.from(raw, ch => ch.charCodeAt(0));
}

async function sha256(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function parseProof(text) {
  const lines = text.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a tlog-proof');
  let at = 1;
  if (lines[at].startsWith('extra ')) at++;
  if (!lines[at].startsWith('index ')) throw new Error('the proof has no index');
  const index = Number(lines[at].slice(6));
  at++;
  const path = [];
  for (; lines[at] !== ''; at++) path.push(base64(lines[at]));
  const note = lines.slice(at + 1).join('\n');
  const split = note.indexOf('\n\n');
  const body = note.slice(0, split + 1);
  const signatures = note.slice(split + 2).split('\n').filter(l => l.startsWith('\u2014 ')).map(l => {
    const [name, sig] = l.slice(2).split(' ');
    return { name, bytes: base64(sig) };
  });
  const [origin, size, root] = body.split('\n');
  return { index, path, body, origin, size: Number(size), root: base64(root), signatures };
}

async function rootFrom(leaf, index, size, path) {
  if (index >= size) throw new Error('the index is beyond the tree');
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  const node = Uint8Array.of(1);
  for (const p of path) {
    if (sn === 0) throw new Error('the path is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(node, p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else r = await sha256(node, r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('the path is too short');
  return r;
}

/** Returns { index, size } when the entry is in the signed log; throws saying why not. */
export async function verify(proofText, entryBytes, verifierKey) {
  const proof = parseProof(proofText);
  const leaf = await sha256(Uint8Array.of(0), entryBytes);
  const root = await rootFrom(leaf, proof.index, proof.size, proof.path);
  if (!equal(root, proof.root)) throw new Error('the entry and its path do not lead to the checkpoint\'s root');
  // name+hash+key: the key's base64 may itself hold '+', so only the first two separate.
  const text = verifierKey.trim();
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  const [name, id, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  const keyBytes = base64(key);
  if (keyBytes[0] !== 1) throw new Error('not an Ed25519 log key');
  const publicKey = await crypto.subtle.importKey('raw', keyBytes.slice(1), { name: 'Ed25519' }, false, ['verify']);
  const keyId = parseInt(id, 16);
  const signature = proof.signatures.find(s => s.name === name
    && ((s.bytes[0] << 24) >>> 0) + (s.bytes[1] << 16) + (s.bytes[2] << 8) + s.bytes[3] === keyId);
  if (!signature) throw new Error('the checkpoint is not signed by the log\'s key');
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, signature.bytes.slice(4), encoder.encode(proof.body));
  if (!ok) throw new Error('the checkpoint\'s signature does not verify');
  return { index: proof.index, size: proof.size, origin: proof.origin };
}
