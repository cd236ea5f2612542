/**
 * Escaping for the two contexts the page embeds data in: HTML text/attributes, and JSON inside a
 * `<script>` element (where `</script>` or `<!--` in a string would end or derail the element).
 */

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON safe to place between `<script>` tags: every `<` becomes `\u003c` (still the same JSON). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Library source inlined in a `<script>`: `</script` must not appear literally. Inside JS string
 * and regex literals `<\/` means the same as `</`, which is the only place minified code has it.
 */
export function scriptSafeSource(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}
