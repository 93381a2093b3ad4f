import { describe, expect, it } from 'vitest';
import { Printer } from '../../src/demo/printer.ts';

function printed(style: boolean, draw: (printer: Printer) => void): string {
  let out = '';
  draw(new Printer({ write: (text) => (out += text), style }));
  return out;
}

describe('the demo printer', () => {
  it('aligns values in one column, continuing several lines under themselves', () => {
    const out = printed(false, (printer) => {
      printer.row('client sent', ['PutObject a.txt', 'x-amz-server-side-encryption: AES256']);
      printer.row('audit events', 'none');
    });
    expect(out).toBe('  client sent        PutObject a.txt\n                     x-amz-server-side-encryption: AES256\n  audit events       none\n');
  });

  it('pads table columns to their widest cell', () => {
    const out = printed(false, (printer) =>
      printer.table(
        'KMS calls',
        ['event', 'key'],
        [
          ['GenerateDataKey', 'k1'],
          ['Decrypt', 'k2'],
        ],
      ),
    );
    expect(out).toBe('  KMS calls          event            key\n                     GenerateDataKey  k1\n                     Decrypt          k2\n');
  });

  it('numbers sections and records checks with the section they belong to', () => {
    let printer: Printer | undefined;
    const out = printed(false, (made) => {
      printer = made;
      made.section('SSE-S3', 'S3 managed keys');
      made.check('it held', true);
      made.section('SSE-C');
      made.check('it did not', false);
    });
    expect(out).toContain('\n1. SSE-S3: S3 managed keys\n--------------------------\n');
    expect(out).toContain('\n2. SSE-C\n--------\n');
    expect(out).toContain('  check              ok     it held\n');
    expect(out).toContain('  check              FAILED it did not\n');
    expect(printer?.checks).toEqual([
      { section: 'SSE-S3', description: 'it held', ok: true },
      { section: 'SSE-C', description: 'it did not', ok: false },
    ]);
  });

  it('styles only when asked (a terminal)', () => {
    const draw = (printer: Printer) => {
      printer.section('SSE-S3');
      printer.check('it held', true);
    };
    expect(printed(false, draw)).not.toContain('\u001b[');
    expect(printed(true, draw)).toContain('\u001b[1m1. SSE-S3\u001b[22m');
    expect(printed(true, draw)).toContain('\u001b[32mok    \u001b[39m');
  });
});
