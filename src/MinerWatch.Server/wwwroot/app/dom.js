// Builds elements from data, never from HTML strings: nothing a user or a file typed is ever parsed as markup.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'text') element.textContent = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function show(...children) {
  const page = document.getElementById('page');
  page.replaceChildren(...children.flat());
  page.querySelector('h1')?.focus?.();
}

export function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}
