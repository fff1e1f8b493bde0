// Brings the live DOM in line with a freshly built tree, touching only what differs: a live update keeps
// scroll position, focus, caret and open <details>, and the screen reader hears only what changed.
// Only nodes, attributes and text values move; no string is ever parsed as markup.

const keyOf = (n: Node): string | undefined => (n instanceof Element ? n.getAttribute('data-key') ?? undefined : undefined);

const sameKind = (a: Node, b: Node): boolean =>
  a.nodeType === b.nodeType && (!(a instanceof Element) || a.tagName === (b as Element).tagName);

function syncAttributes(from: Element, to: Element): void {
  // Web components add attributes of their own (current-value, aria-*): those are theirs to keep.
  const custom = from.tagName.includes('-');
  for (const { name } of Array.from(from.attributes)) {
    if (to.hasAttribute(name) || custom) continue;
    // The user opened or closed it.
    if (name === 'open' && from.tagName === 'DETAILS') continue;
    from.removeAttribute(name);
  }
  for (const { name, value } of Array.from(to.attributes)) {
    if (from.getAttribute(name) !== value) from.setAttribute(name, value);
  }
}

function update(from: Node, to: Node): void {
  if (from instanceof Element) morph(from, to as Element);
  else if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
}

/** Patches `from` into the shape of `to`. Elements marked `data-keep` are left as they are once built. */
export function morph(from: Element, to: Element): void {
  if (from.hasAttribute('data-keep')) return;
  syncAttributes(from, to);
  const wanted = new Set<string>();
  for (const n of Array.from(to.childNodes)) {
    const k = keyOf(n);
    if (k) wanted.add(k);
  }
  const keyed = new Map<string, Element>();
  for (const n of Array.from(from.childNodes)) {
    const k = keyOf(n);
    if (k) keyed.set(k, n as Element);
  }
  let cursor = from.firstChild;
  const skipGone = (): void => {
    // A keyed node that is no longer wanted must not block the position it holds.
    while (cursor && keyOf(cursor) && !wanted.has(keyOf(cursor) as string)) {
      const next: ChildNode | null = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  };
  for (const next of Array.from(to.childNodes)) {
    skipGone();
    const k = keyOf(next);
    let match: ChildNode | undefined;
    if (k) {
      const old = keyed.get(k);
      if (old && sameKind(old, next)) match = old;
    } else if (cursor && !keyOf(cursor) && sameKind(cursor, next)) {
      match = cursor;
    }
    if (!match) {
      from.insertBefore(next, cursor);
      continue;
    }
    if (match === cursor) cursor = cursor.nextSibling;
    else from.insertBefore(match, cursor);
    update(match, next);
  }
  while (cursor) {
    const next: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}
