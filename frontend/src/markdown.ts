// Markdown of text tiles, rendered safely: marked turns it into HTML, DOMPurify keeps only an
// allow-list of tags and attributes (no script, no event handlers, no styles, no images, no
// javascript: links), and every link opens in a new tab with rel="noopener noreferrer".

import DOMPurify from 'dompurify';
import { marked } from 'marked';

const TAGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'a', 'strong', 'b', 'em', 'i', 'del', 'code', 'pre', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

let purifier: ReturnType<typeof DOMPurify> | null = null;

function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  // An instance of our own, so the hook below never touches a host page's DOMPurify.
  const p = DOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  purifier = p;
  return p;
}

/** Safe HTML for `text` (Markdown). */
export function renderMarkdown(text: string): string {
  const raw = marked.parse(text, { async: false, gfm: true });
  return sanitizer().sanitize(raw, {
    ALLOWED_TAGS: TAGS,
    ALLOWED_ATTR: ['href', 'title', 'target', 'rel'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
  });
}
