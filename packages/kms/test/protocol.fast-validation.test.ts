/**
 * Input validation has two paths: a predicate compiled once per shape that answers "valid" for the
 * inputs of nearly every call, and the walk that says why an input is not. They must agree on
 * every input of every operation (fast-check over values at and around each member's bounds, of
 * the wrong types, null and absent), or a call could skip a ValidationException AWS would answer.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES, OPERATIONS } from '../src/operations/index.ts';
import { blob, enumOf, isValid, type Shape, type StructureShape, string, structure, validate, validationFailures } from '../src/protocol/shapes.ts';

/** What the full walk says: 'valid', 'invalid' (failures listed) or 'serialization' (thrown). */
function verdict(shape: StructureShape, input: unknown): 'valid' | 'invalid' | 'serialization' {
  try {
    return validationFailures(shape, input).length === 0 ? 'valid' : 'invalid';
  } catch (error) {
    expect(error).toMatchObject({ name: 'SerializationException' });
    return 'serialization';
  }
}

const wrongTypes = fc.constantFrom<unknown>(null, 7, 'text', true, [], {}, new Uint8Array(1), new Date(0));

/** Lengths at and around a member's bounds (capped: a 2,048-code-point string is enough). */
function lengths(min: number | undefined, max: number | undefined): fc.Arbitrary<number> {
  const around = [0, 1, 2, 3];
  for (const bound of [min, max]) if (bound !== undefined) around.push(bound - 1, bound, bound + 1);
  return fc.constantFrom(...around.filter((n) => n >= 0 && n <= 9000));
}

/** Values for `shape`: mostly of its type, at and past its bounds, and sometimes anything else. */
function valuesOf(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (shape.kind) {
      case 'string': {
        // One-unit and two-unit (surrogate pair) characters: code points, not units, are counted.
        const sized = fc
          .tuple(lengths(shape.min, shape.max), fc.constantFrom('a', '\u{1F600}', 'é'))
          .map(([n, char]) => (char.length === 2 ? char.repeat(Math.ceil(n / 2)) : char.repeat(n)));
        return shape.enum === undefined ? fc.oneof(sized, fc.string()) : fc.oneof(fc.constantFrom(...shape.enum), sized);
      }
      case 'integer':
        return fc.oneof(lengths(shape.min, shape.max), fc.integer(), fc.constant(1.5));
      case 'boolean':
        return fc.boolean();
      case 'blob':
        return lengths(shape.min, shape.max).map((n) => new Uint8Array(n));
      case 'timestamp':
        return fc.constantFrom(new Date(0), new Date(Number.NaN), new Date());
      case 'list':
        return depth > 2 ? fc.constant([]) : fc.array(valuesOf(shape.member, depth + 1), { maxLength: Math.min((shape.max ?? 5) + 1, 12) });
      case 'map':
        return depth > 2
          ? fc.constant({})
          : fc
              .array(fc.tuple(valuesOf(shape.key, depth + 1), valuesOf(shape.value, depth + 1)), { maxLength: 4 })
              .map((entries) => Object.fromEntries(entries.filter(([k]) => typeof k === 'string')));
      case 'structure':
        return depth > 2 ? fc.constant({}) : structureValues(shape, depth + 1);
    }
  })();
  return fc.oneof({ arbitrary: typed, weight: 6 }, { arbitrary: wrongTypes, weight: 1 });
}

function structureValues(shape: StructureShape, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, member] of Object.entries(shape.members)) members[name] = valuesOf(member, depth);
  return fc.record(members, { requiredKeys: [] });
}

describe('the compiled validity check agrees with the full validation walk', () => {
  for (const name of OPERATION_NAMES) {
    const shape = OPERATIONS[name].input;
    it(`${name}: valid exactly when the walk finds no failure and throws nothing`, () => {
      fc.assert(
        fc.property(structureValues(shape, 0), (input) => {
          expect(isValid(shape, input)).toBe(verdict(shape, input) === 'valid');
        }),
        { numRuns: 200 },
      );
    });
  }

  it('takes the inputs of ordinary calls as valid, and validate() still refuses the rest with AWS texts', () => {
    const generateMac = OPERATIONS.GenerateMac.input;
    const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(isValid(generateMac, { KeyId: keyId, Message: new Uint8Array(256), MacAlgorithm: 'HMAC_SHA_256' })).toBe(true);
    expect(isValid(generateMac, { KeyId: keyId, Message: new Uint8Array(4097), MacAlgorithm: 'HMAC_SHA_256' })).toBe(false);
    expect(() => validate(generateMac, { KeyId: keyId, Message: new Uint8Array(4097), MacAlgorithm: 'HMAC_SHA_256' })).toThrow(
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    expect(() => validate(generateMac, { KeyId: keyId, Message: 'text', MacAlgorithm: 'HMAC_SHA_256' })).toThrow(
      expect.objectContaining({ name: 'SerializationException' }),
    );
  });

  // A member name that is no plain identifier is read through the table walk rather than by a
  // generated `value.<name>`: both paths must answer what the full walk answers.
  it('agrees on structures whose member names the generated check cannot spell (the table walk serves them)', () => {
    const shapes: StructureShape[] = [
      structure({ 'Key-Id': string({ min: 1, max: 4 }), Body: blob({ min: 1 }) }, ['Key-Id']),
      structure({ KeyId: string({ min: 1, max: 4 }), Algorithm: enumOf(['A', 'B']), 'x y': blob({ max: 2 }) }, ['Algorithm']),
    ];
    for (const shape of shapes) {
      fc.assert(
        fc.property(structureValues(shape, 0), (input) => {
          expect(isValid(shape, input)).toBe(verdict(shape, input) === 'valid');
        }),
        { numRuns: 300 },
      );
    }
    expect(isValid(shapes[0] as StructureShape, { 'Key-Id': 'k' })).toBe(true);
    expect(isValid(shapes[0] as StructureShape, { 'Key-Id': 'kkkkk' })).toBe(false);
    expect(isValid(shapes[0] as StructureShape, {})).toBe(false);
  });
});
