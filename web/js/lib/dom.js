// dom.js - small page helpers: the title, the query string, focus.

// Moves focus to the page's main heading (after content is rendered), so
// screen reader users hear where they are.
export function focusHeading(scope = document) {
  const h1 = scope.querySelector('h1');
  if (!h1) return;
  if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
  h1.focus({ preventScroll: true });
}

export function setTitle(text) {
  document.title = `${text} – Seam`;
}

// The query string parameter name, or null.
export function param(name) {
  return new URLSearchParams(window.location.search).get(name);
}
