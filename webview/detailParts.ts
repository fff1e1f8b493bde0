// Pieces every part of a session's detail is built from, so its sections look alike.
import { h } from './dom';

export function section(title: string, ...body: (Node | undefined)[]): HTMLElement {
  const id = `d-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  // Keyed by name, not count: a live update that adds a section does not shift the others (or close an open one).
  return h('section', { 'aria-labelledby': id, 'data-key': id }, h('h2', { id }, title), ...body.filter((b): b is Node => !!b));
}

export function lines(items: string[], cls = ''): HTMLElement {
  const ul = h('ul', { class: `plain ${cls}` });
  for (const i of items) ul.append(h('li', {}, i));
  return ul;
}

/** A button whose `data-cmd` the board's one click handler acts on. */
export function linkButton(label: string, title: string, data: Record<string, string>): HTMLElement {
  return h('button', { class: 'link', type: 'button', title, ...data }, label);
}
