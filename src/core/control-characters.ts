/**
 * Whether text holds a C0 control character other than tab, line feed and carriage return. Such
 * text is nobody's id, name or query; NUL cannot even be stored in a Postgres text column, so it
 * must be refused at the edge as bad input rather than fail in the database as a fault.
 */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}
