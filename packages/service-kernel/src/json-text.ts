/**
 * @module
 * Parsing JSON text that may hold secrets (users files with secret keys, seeds with key
 * material) without ever quoting it back. V8's `JSON.parse` errors quote the input around the
 * fault (`Unexpected token 's', ..."cessKey": s3cr3tKEY}" is not valid JSON`), so a typo in such a
 * file would print part of a secret. Here a syntax error is reported by position only: line and
 * column (1-based, counted in UTF-16 code units as editors count them), found by a small scanner
 * of the RFC 8259 grammar that runs only after `JSON.parse` has failed.
 */

/**
 * Parses JSON text.
 * @param what - names the text in the error, e.g. `users file`.
 * @throws TypeError `<what>: not valid JSON (syntax error at line L, column C)` with no input quoted.
 * @example parseJsonText('{"a": 1}', 'users file') // { a: 1 }
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TypeError(`${what}: not valid JSON (${describeSyntaxError(text)})`);
  }
}

/** Where the first syntax error of `text` is, in words: `syntax error at line 2, column 7`. */
export function describeSyntaxError(text: string): string {
  const offset = syntaxErrorOffset(text);
  // The scanner and V8 agree on RFC 8259; if they ever do not, still quote nothing.
  if (offset === undefined) return 'syntax error';
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const kind = offset >= text.length ? 'unexpected end of input' : 'syntax error';
  return `${kind} at line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * The offset of the first character that breaks the JSON grammar (`text.length` for a premature
 * end), or `undefined` if `text` is valid (or nests too deep for the scanner to tell).
 */
export function syntaxErrorOffset(text: string): number | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.whitespace();
    scanner.value();
    scanner.whitespace();
    if (scanner.offset < text.length) return scanner.offset;
    return undefined;
  } catch (error) {
    // Anything else is the scanner's own limit (a RangeError for nesting deeper than the stack).
    return error instanceof SyntaxAt ? error.offset : undefined;
  }
}

class SyntaxAt {
  readonly offset: number;
  constructor(offset: number) {
    this.offset = offset;
  }
}

/** A recursive-descent reader of RFC 8259 §2-§7 that only finds where the text stops being JSON. */
class Scanner {
  offset = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  whitespace(): void {
    // RFC 8259 §2: space, horizontal tab, line feed, carriage return.
    while (this.offset < this.#text.length && ' \t\n\r'.includes(this.#text.charAt(this.offset))) this.offset++;
  }

  value(): void {
    const char = this.#text[this.offset];
    if (char === '{') this.#object();
    else if (char === '[') this.#array();
    else if (char === '"') this.#string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.#number();
    else {
      const literal = ['true', 'false', 'null'].find((word) => char === word[0]);
      if (literal === undefined) throw new SyntaxAt(this.offset);
      this.#literal(literal);
    }
  }

  #object(): void {
    this.offset++;
    this.whitespace();
    if (this.#text[this.offset] === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      if (this.#text[this.offset] !== '"') throw new SyntaxAt(this.offset);
      this.#string();
      this.whitespace();
      this.#expect(':');
      this.whitespace();
      this.value();
      this.whitespace();
      if (this.#text[this.offset] === '}') {
        this.offset++;
        return;
      }
      this.#expect(',');
      this.whitespace();
    }
  }

  #array(): void {
    this.offset++;
    this.whitespace();
    if (this.#text[this.offset] === ']') {
      this.offset++;
      return;
    }
    for (;;) {
      this.value();
      this.whitespace();
      if (this.#text[this.offset] === ']') {
        this.offset++;
        return;
      }
      this.#expect(',');
      this.whitespace();
    }
  }

  #string(): void {
    this.offset++;
    for (;;) {
      const code = this.#text.charCodeAt(this.offset);
      if (Number.isNaN(code) || code < 0x20) throw new SyntaxAt(this.offset);
      this.offset++;
      if (code === 0x22) return;
      if (code !== 0x5c) continue;
      // RFC 8259 §7 escapes.
      const escaped = this.#text[this.offset];
      if (escaped === 'u') {
        for (let i = 1; i <= 4; i++) if (!/^[0-9A-Fa-f]$/.test(this.#text[this.offset + i] ?? '')) throw new SyntaxAt(this.offset + i);
        this.offset += 5;
      } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
        this.offset++;
      } else {
        throw new SyntaxAt(this.offset);
      }
    }
  }

  #number(): void {
    // RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    if (this.#text[this.offset] === '-') this.offset++;
    if (this.#text[this.offset] === '0') this.offset++;
    else this.#digits();
    if (this.#text[this.offset] === '.') {
      this.offset++;
      this.#digits();
    }
    if (this.#text[this.offset] === 'e' || this.#text[this.offset] === 'E') {
      this.offset++;
      if (this.#text[this.offset] === '+' || this.#text[this.offset] === '-') this.offset++;
      this.#digits();
    }
  }

  #digits(): void {
    const start = this.offset;
    while (this.offset < this.#text.length && this.#text.charAt(this.offset) >= '0' && this.#text.charAt(this.offset) <= '9') this.offset++;
    if (this.offset === start) throw new SyntaxAt(this.offset);
  }

  #literal(literal: string): void {
    for (const char of literal) {
      if (this.#text[this.offset] !== char) throw new SyntaxAt(this.offset);
      this.offset++;
    }
  }

  #expect(char: string): void {
    if (this.#text[this.offset] !== char) throw new SyntaxAt(this.offset);
    this.offset++;
  }
}
