/**
 * @module
 * How `strongbox demo` writes: numbered sections, label/value rows with the values aligned in one
 * column (a value of several lines continues under itself), small tables with padded columns, and
 * a check line per assertion the demo makes ("ok" or "FAILED"). Bold and colour only when the
 * output is a terminal and `NO_COLOR` is unset (https://no-color.org), so piped or captured
 * output is plain text that tests can match.
 */

/** Where the printer writes, and whether it may style. */
export interface PrinterOptions {
  readonly write: (text: string) => void;
  /** Bold titles and coloured check results (a terminal that wants them). Default false. */
  readonly style?: boolean;
}

/** Width of the label column of `row`. */
const LABEL_WIDTH = 19;
const INDENT = '  ';

const BOLD = ['\u001b[1m', '\u001b[22m'] as const;
const GREEN = ['\u001b[32m', '\u001b[39m'] as const;
const RED = ['\u001b[31m', '\u001b[39m'] as const;

/** One check the demo made: what it asserts and whether it held. */
export interface CheckResult {
  readonly section: string;
  readonly description: string;
  readonly ok: boolean;
}

/**
 * Writes the demo's report (see the module documentation) and keeps the checks it printed.
 * @example
 * ```ts
 * const printer = new Printer({ write: (text) => process.stdout.write(text) });
 * printer.section('SSE-S3');
 * printer.row('client got back', 'x-amz-server-side-encryption: AES256');
 * ```
 */
export class Printer {
  readonly #write: (text: string) => void;
  readonly #style: boolean;
  readonly #checks: CheckResult[] = [];
  #sections = 0;
  #current = '';

  constructor(options: PrinterOptions) {
    this.#write = options.write;
    this.#style = options.style ?? false;
  }

  /** Every check printed so far. */
  get checks(): readonly CheckResult[] {
    return this.#checks;
  }

  /** A title line, underlined. */
  title(text: string): void {
    this.#write(`${this.#bold(text)}\n${'='.repeat(text.length)}\n`);
  }

  /** A numbered section heading, after a blank line. */
  section(name: string, subtitle?: string): void {
    this.#sections += 1;
    this.#current = name;
    const text = `${this.#sections}. ${name}${subtitle === undefined ? '' : `: ${subtitle}`}`;
    this.#write(`\n${this.#bold(text)}\n${'-'.repeat(text.length)}\n`);
  }

  /** A paragraph of prose, indented. */
  note(text: string): void {
    for (const line of text.split('\n')) this.#write(`${INDENT}${line}\n`);
  }

  /**
   * A label and its value in the value column; each further line of `value` (or each element of
   * an array) continues in the same column.
   */
  row(label: string, value: string | readonly string[]): void {
    const lines = typeof value === 'string' ? value.split('\n') : value.length === 0 ? [''] : value;
    const pad = label.length >= LABEL_WIDTH ? `${label} ` : label.padEnd(LABEL_WIDTH);
    lines.forEach((line, index) => {
      const head = index === 0 ? pad : ' '.repeat(pad.length);
      const text = `${INDENT}${head}${line}`.trimEnd();
      this.#write(`${text}\n`);
    });
  }

  /** A table under a label: a header row, then the rows, columns padded to their widest cell. */
  table(label: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
    const format = (cells: readonly string[]): string =>
      cells
        .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd();
    this.row(label, [format(header), ...rows.map(format)]);
  }

  /** A check: prints `ok` or `FAILED` before the description, and records it. */
  check(description: string, ok: boolean): boolean {
    this.#checks.push({ section: this.#current, description, ok });
    const mark = ok ? this.#colour(GREEN, 'ok    ') : this.#colour(RED, 'FAILED');
    this.#write(`${INDENT}${'check'.padEnd(LABEL_WIDTH)}${mark} ${description}\n`);
    return ok;
  }

  /** A line as it is (blank lines, summaries). */
  line(text = ''): void {
    this.#write(`${text}\n`);
  }

  #bold(text: string): string {
    return this.#style ? `${BOLD[0]}${text}${BOLD[1]}` : text;
  }

  #colour(codes: readonly [string, string], text: string): string {
    return this.#style ? `${codes[0]}${text}${codes[1]}` : text;
  }
}
