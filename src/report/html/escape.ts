/**
 * Escaping for the HTML report: every piece of user text (case names, descriptions, tags, file
 * names, framework messages, reasons) goes through `escapeHtml`; links through `safeHref`; data
 * for the inline script through `jsonForScript`.
 */

/** Text and attribute values (double- or single-quoted). Drops characters HTML cannot carry. */
export function escapeHtml(text: unknown): string {
  return (
    String(text)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

/** The URL when it is an absolute http(s) URL (never javascript:, data:, file: ...), else null. */
export function safeHref(link: string | undefined | null): string | null {
  if (typeof link !== 'string') return null;
  const trimmed = link.trim();
  // Browsers strip tabs/newlines inside URLs ("java\nscript:"); refuse anything unusual up front.
  // eslint-disable-next-line no-control-regex
  if (!/^https?:\/\//i.test(trimmed) || /[\u0000-\u0020\u007f"'<>\\`]/.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** JSON.stringify replacer: NaN / Infinity become the strings the JSON report uses. */
function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` are written as \u escapes
 * (so `</script>` or `<!--` in a string cannot end the block), as are U+2028/U+2029.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, encodeNonFinite)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A stable, injective HTML id fragment for any text: ASCII letters, digits and '-' stay, '/'
 * becomes '.', every other UTF-8 byte becomes `_xx`. `seeds/tf-doc` -> `seeds.tf-doc`.
 */
export function idFragment(text: string): string {
  let out = '';
  for (const char of text) {
    if (/[A-Za-z0-9-]/.test(char)) out += char;
    else if (char === '/') out += '.';
    else for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The anchor of a case's section: `case-` + idFragment(case id). */
export function caseAnchor(caseId: string): string {
  return `case-${idFragment(caseId)}`;
}

/** The anchor of one variant inside a case's section. */
export function variantAnchor(caseId: string, label: string): string {
  return `${caseAnchor(caseId)}~${idFragment(label)}`;
}
