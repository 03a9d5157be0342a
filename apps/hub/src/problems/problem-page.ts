import type { ProblemType } from '../common/problem-types.js';

/** Text for an HTML page: markup characters and both quotes escaped. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** `code` spans in the descriptions become <code>; everything else is escaped text. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${body}\n</body></html>\n`;

/** One problem type as a small static page (no script, no external resource). */
export function problemTypeHtml(type: ProblemType): string {
  return page(
    `${type.title} (${type.status})`,
    `<h1>${escapeHtml(type.title)}</h1>\n<p>HTTP status ${type.status}; problem type <code>/problems/${escapeHtml(type.slug)}</code>.</p>\n` +
      `<p>${prose(type.description)}</p>\n` +
      '<p>Problem documents (<code>application/problem+json</code>, RFC 9457) carry <code>type</code>, <code>title</code>, ' +
      '<code>status</code>, <code>detail</code>, <code>instance</code>, <code>requestId</code> and, for invalid input, ' +
      '<code>invalidParams</code>. <a href="/problems">Every problem type</a>.</p>',
  );
}

export function problemIndexHtml(types: Iterable<ProblemType>): string {
  const items = [...types]
    .map(
      (t) => `<li><a href="/problems/${escapeHtml(t.slug)}">${escapeHtml(t.slug)}</a>: ${escapeHtml(t.title)} (${t.status})</li>`,
    )
    .join('\n');
  return page('Problem types', `<h1>Problem types of this clearing house</h1>\n<ul>\n${items}\n</ul>`);
}
