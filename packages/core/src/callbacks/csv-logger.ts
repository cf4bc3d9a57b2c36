/**
 * CSVLogger: writes each epoch's logs as a row of a CSV file (Node only). Each row is appended as
 * soon as its epoch ends, so the file is useful while training runs and after a crash.
 */
import { nodeFs, type NodeFs } from '../io/platform.js';
import { Callback, type Logs } from './callback.js';

/** Options of `CSVLogger`. */
export interface CSVLoggerArgs {
  /** The file to write (a path, or a `file://` URL). */
  filename: string;
  /** Between fields. Default `,`. */
  separator?: string;
  /** Add to an existing file instead of replacing it (no second header). Default false. */
  append?: boolean;
}

/** Writes `epoch` (0-based) and every log value to a CSV file, one row per epoch. */
export class CSVLogger extends Callback {
  /** The CSV file written (a path or a `file://` URL). */
  readonly filename: string;
  /** The field separator. */
  readonly separator: string;
  /** Whether rows are added to an existing file. */
  readonly append: boolean;
  private keys: string[] | null = null;
  private writeHeader = true;
  private fs: NodeFs | null = null;

  constructor(args: CSVLoggerArgs | string) {
    super();
    const a: CSVLoggerArgs = typeof args === 'string' ? { filename: args } : args;
    if (typeof a?.filename !== 'string' || a.filename === '') throw new Error('CSVLogger: filename must be a non-empty string');
    this.filename = a.filename.replace(/^file:\/\//, '');
    this.separator = a.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length === 0 || /["\r\n]/.test(this.separator)) {
      throw new Error(`CSVLogger: separator must be a non-empty string without quotes or newlines, got ${JSON.stringify(this.separator)}`);
    }
    this.append = a.append ?? false;
  }

  override async onTrainBegin(): Promise<void> {
    const fs = (this.fs = await nodeFs('CSVLogger'));
    this.keys = null;
    this.writeHeader = true;
    if (this.append) {
      const existing = await fs.readFile(this.filename, 'utf8').catch(() => '');
      const header = existing.split(/\r?\n/, 1)[0] ?? '';
      if (header.length > 0) {
        // Keep the existing columns so appended rows line up with the header already there.
        this.writeHeader = false;
        const fields = this.parseRow(header);
        if (fields[0] === 'epoch') this.keys = fields.slice(1);
      }
    } else {
      await fs.writeFile(this.filename, '');
    }
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    const fs = this.fs ?? (this.fs = await nodeFs('CSVLogger'));
    const values = logs ?? {};
    if (this.keys === null) {
      this.keys = Object.keys(values).sort();
      // With validation every few epochs, the first epoch has no val_ logs: make their columns now.
      if (!this.keys.some((k) => k.startsWith('val_'))) this.keys.push(...this.keys.map((k) => `val_${k}`));
    }
    let text = '';
    if (this.writeHeader) {
      text += this.row(['epoch', ...this.keys]);
      this.writeHeader = false;
    }
    text += this.row([String(epoch), ...this.keys.map((k) => (k in values ? String(values[k]) : 'NA'))]);
    await fs.appendFile(this.filename, text);
  }

  private row(fields: string[]): string {
    return `${fields.map((f) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(this.separator)}\n`;
  }

  private parseRow(line: string): string[] {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let value = '';
        i++;
        while (i < line.length) {
          if (line[i] === '"' && line[i + 1] === '"') { value += '"'; i += 2; } else if (line[i] === '"') { i++; break; } else value += line[i++];
        }
        fields.push(value);
        i += this.separator.length;
      } else {
        const end = line.indexOf(this.separator, i);
        fields.push(line.slice(i, end < 0 ? line.length : end));
        if (end < 0) break;
        i = end + this.separator.length;
      }
    }
    return fields;
  }
}

/**
 * A `CSVLogger` callback.
 * @example
 * const log = st.callbacks.csvLogger({ filename: 'training.csv', append: true });   // one row per epoch (Node)
 */
export function csvLogger(args: CSVLoggerArgs | string): CSVLogger {
  return new CSVLogger(args);
}
