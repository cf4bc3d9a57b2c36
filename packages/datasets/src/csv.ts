/**
 * A small, strict reader for the delimited text files the table loaders ship (comma-separated or
 * whitespace-separated, one record per line). It has no platform dependencies. Every error is a
 * {@link TableFormatError} naming the file, the 1-based line and, where one is to blame, the 1-based
 * column (field number), so a damaged file is found at once instead of producing NaNs.
 */

/** Thrown when a data file is malformed. The message starts with `source, line L, column C`. */
export class TableFormatError extends Error {
  /** The file (or other source) being read. */
  readonly source: string;
  /** 1-based line number, or `undefined` when the problem concerns the whole file. */
  readonly line: number | undefined;
  /** 1-based column (field) number, or `undefined` when the whole line (or file) is at fault. */
  readonly column: number | undefined;

  constructor(source: string, line: number | undefined, column: number | undefined, message: string) {
    const where = [source, line === undefined ? '' : `line ${line}`, column === undefined ? '' : `column ${column}`].filter((s) => s !== '').join(', ');
    super(`${where}: ${message}`);
    this.name = 'TableFormatError';
    this.source = source;
    this.line = line;
    this.column = column;
  }
}

/** One record of a delimited file: its fields and the line it came from. */
export interface TableRow {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The fields, unquoted, in order. */
  readonly fields: readonly string[];
}

/** Options of {@link parseDelimited}. */
export interface DelimitedOptions {
  /** `','` (the default; double-quoted fields allowed) or `'whitespace'` (runs of spaces/tabs). */
  readonly delimiter?: ',' | 'whitespace';
}

/** Splits one comma-separated line, honouring RFC 4180 double quotes (`""` is a literal quote). */
function splitCommaLine(text: string, source: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new TableFormatError(source, line, fields.length + 1, 'unterminated double-quoted field');
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      if (j < text.length && text[j] !== ',') {
        throw new TableFormatError(source, line, fields.length + 1, `unexpected ${JSON.stringify(text[j])} after a closing double quote`);
      }
      fields.push(value);
      if (j >= text.length) return fields;
      i = j + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        fields.push(text.slice(i));
        return fields;
      }
      fields.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

/**
 * Splits text into records. Line endings may be `\n` or `\r\n`; one final newline is allowed, but
 * an empty line anywhere else is an error (it usually means a damaged or concatenated file).
 * @param text the whole file
 * @param source a name for error messages, usually the file path
 */
export function parseDelimited(text: string, source: string, options: DelimitedOptions = {}): TableRow[] {
  const delimiter = options.delimiter ?? ',';
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (raw.trim() === '') throw new TableFormatError(source, line, undefined, 'empty line');
    const fields = delimiter === ',' ? splitCommaLine(raw, source, line) : raw.trim().split(/[ \t]+/);
    rows.push({ line, fields });
  }
  return rows;
}

// A plain decimal number: no hex, no 'Infinity'/'NaN', no empty string (which Number() reads as 0).
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one field as a finite decimal number, or throws a {@link TableFormatError} naming the file,
 * line, column and (when given) the column's name.
 */
export function parseNumberField(field: string, source: string, line: number, column: number, columnName?: string): number {
  const text = field.trim();
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    const name = columnName === undefined ? '' : ` (${columnName})`;
    throw new TableFormatError(source, line, column, `${JSON.stringify(field)}${name} is not a number`);
  }
  return value;
}

/** Parses one field as an integer in `[min, max]`; errors name the file, line and column. */
export function parseIntegerField(field: string, source: string, line: number, column: number, min: number, max: number, columnName?: string): number {
  const value = parseNumberField(field, source, line, column, columnName);
  if (!Number.isInteger(value) || value < min || value > max) {
    const name = columnName === undefined ? '' : ` (${columnName})`;
    throw new TableFormatError(source, line, column, `${JSON.stringify(field)}${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
