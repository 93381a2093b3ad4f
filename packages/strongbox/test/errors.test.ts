/**
 * `strongbox`'s one error type and its one table: every code ends the CLI with its exit code (2
 * for a wrong command line, 1 for the rest), and the admin API answers a bad body as the table
 * says.
 */

import { describe, expect, it } from 'vitest';
import { EXIT_FAILURE, EXIT_USAGE, STRONGBOX_ERRORS, StrongboxError, type StrongboxErrorCode } from '../src/errors.ts';

describe('STRONGBOX_ERRORS', () => {
  it('gives usage mistakes exit 2 and every other code exit 1', () => {
    for (const code of Object.keys(STRONGBOX_ERRORS) as StrongboxErrorCode[]) {
      const error = new StrongboxError(code, 'one line');
      expect(error.exitCode, code).toBe(code === 'USAGE' ? EXIT_USAGE : EXIT_FAILURE);
      expect(error).toMatchObject({ name: 'StrongboxError', code, message: 'one line' });
    }
  });

  it('answers a bad admin body 400 ValidationException, and no other code on the admin API', () => {
    const answered = Object.entries(STRONGBOX_ERRORS).filter(([, outcome]) => outcome.admin !== undefined);
    expect(answered).toEqual([['BAD_ADMIN_REQUEST', { exitCode: EXIT_FAILURE, admin: { status: 400, type: 'ValidationException' } }]]);
  });
});
