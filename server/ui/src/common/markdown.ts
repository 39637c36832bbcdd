import { Marked } from "marked";

// Markdown of notes and report text. Raw HTML in it is shown as text and
// links only go to http(s), mailto or relative addresses, since a report
// shared by link is read by people who did not write it.

const md = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ href, text }) {
      const safe = /^(https?:|mailto:|\/|#)/i.test(href) ? href : "#";
      return `<a href="${escapeHtml(safe)}" target="_blank" rel="noreferrer">${escapeHtml(text)}</a>`;
    },
    image({ text }) {
      return escapeHtml(text);
    },
  },
});

/** renderMarkdown turns Markdown into HTML that is safe to show. */
export function renderMarkdown(src: string): string {
  return md.parse(src, { async: false });
}

/** escapeHtml makes text safe inside HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
