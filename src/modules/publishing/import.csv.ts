/**
 * A small RFC 4180 CSV reader for the bulk import: quoted fields (with "" for a quote, commas and line
 * breaks inside), CRLF or LF, `,` or `;` as separator (guessed from the header), a UTF-8 BOM ignored.
 */

export type CsvRow = { line: number; cells: string[] };

/** Parses `text` into rows; `line` is the 1-based line where each row starts. Throws on an unclosed quote. */
export function parseCsv(text: string): { header: string[]; rows: CsvRow[] } {
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let fieldStarted = false;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !fieldStarted)) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    fieldStarted = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') { cell += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      if (c === '\n') line++;
      cell += c; i++; continue;
    }
    if (c === '"' && cell === '') { quoted = true; fieldStarted = true; i++; continue; }
    if (c === sep) { cells.push(cell); cell = ''; fieldStarted = true; i++; continue; }
    if (c === '\r' && src[i + 1] === '\n') { i++; continue; }
    if (c === '\n') { endRow(); line++; rowLine = line; i++; continue; }
    cell += c; fieldStarted = true; i++;
  }
  if (quoted) throw new SyntaxError(`Unclosed quote in the row starting on line ${rowLine}`);
  if (cell !== '' || cells.length > 0 || fieldStarted) endRow();
  const [head, ...body] = rows;
  return { header: (head?.cells ?? []).map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_')), rows: body };
}
