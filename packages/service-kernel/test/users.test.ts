/**
 * The users file behind SigV4: access keys → secrets and IAM principals with identity policies,
 * the allow/deny shorthand, the default `test` key, and a TypeError naming each bad entry.
 */

import { describe, expect, it } from 'vitest';
import { NO_USERS, parseUsers, withDefaultUser } from '../src/index.ts';

const alice = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::111122223333:user/alice' };

describe('parseUsers', () => {
  it('maps access keys to principals carrying the access key id', () => {
    const users = parseUsers(
      JSON.stringify({ users: [alice, { accessKeyId: 'ASIAROLE', secretAccessKey: 's', principal: 'arn:aws:sts::111122223333:assumed-role/app/session' }] }),
    );
    expect(users.lookup('AKIAALICE')).toEqual({
      accessKeyId: 'AKIAALICE',
      secretAccessKey: 'alice-secret',
      principal: { arn: 'arn:aws:iam::111122223333:user/alice', account: '111122223333', type: 'IAMUser', accessKeyId: 'AKIAALICE' },
    });
    expect(users.lookup('ASIAROLE')?.principal.type).toBe('AssumedRole');
    expect(users.lookup('AKIANOBODY')).toBeUndefined();
    expect(users.entries.map((entry) => entry.accessKeyId)).toEqual(['AKIAALICE', 'ASIAROLE']);
  });

  it('turns the allow/deny shorthand into a policy document on Resource "*"', () => {
    const users = parseUsers({ users: [{ ...alice, policy: { allow: ['kms:Encrypt', 'kms:Decrypt'], deny: ['kms:ScheduleKeyDeletion'] } }] });
    expect(JSON.parse(users.lookup('AKIAALICE')!.principal.identityPolicy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' },
        { Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion'], Resource: '*' },
      ],
    });
  });

  it('keeps a full policy document, given as an object or as JSON text', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:aws:kms:*:111122223333:key/*' }] };
    const fromObject = parseUsers({ users: [{ ...alice, policy: document }] }).lookup('AKIAALICE')!.principal.identityPolicy!;
    expect(JSON.parse(fromObject)).toEqual(document);
    const text = JSON.stringify(document, null, 2);
    expect(parseUsers({ users: [{ ...alice, policy: text }] }).lookup('AKIAALICE')!.principal.identityPolicy).toBe(text);
  });

  it.each([
    ['not JSON', '{users', /^users file: not valid JSON \(syntax error at line 1, column 2\)$/],
    ['no users list', { people: [] }, /^users file: expected an object \{"users": \[\.\.\.\]\}$/],
    ['an entry that is not an object', { users: ['alice'] }, /^users\[0\]: expected an object/],
    ['a missing access key id', { users: [{ secretAccessKey: 's', principal: alice.principal }] }, /^users\[0\]: "accessKeyId" expected/],
    ['an access key id with a slash', { users: [{ ...alice, accessKeyId: 'AKIA/X' }] }, /^users\[0\]: "accessKeyId" expected .* got "AKIA\/X"$/],
    [
      'a missing secret',
      { users: [{ accessKeyId: 'AKIAALICE', principal: alice.principal }] },
      /^users\[0\] \(AKIAALICE\): "secretAccessKey" expected a non-empty string$/,
    ],
    [
      'a malformed principal',
      { users: [{ ...alice, principal: 'alice' }] },
      /^users\[0\] \(AKIAALICE\): "principal" expected an IAM or STS principal ARN, got "alice"$/,
    ],
    ['an unknown member', { users: [{ ...alice, secret: 'x' }] }, /^users\[0\] \(AKIAALICE\): unknown member "secret"$/],
    ['a policy that is not JSON', { users: [{ ...alice, policy: '{' }] }, /^users\[0\] \(AKIAALICE\): "policy" is not valid JSON$/],
    ['an empty shorthand', { users: [{ ...alice, policy: {} }] }, /^users\[0\] \(AKIAALICE\): "policy" expected an IAM policy document/],
    [
      'a shorthand with a non-list',
      { users: [{ ...alice, policy: { allow: 'kms:Encrypt' } }] },
      /^users\[0\] \(AKIAALICE\): "policy.allow" expected a non-empty list/,
    ],
    [
      'a duplicate access key id',
      { users: [alice, { ...alice, principal: 'arn:aws:iam::111122223333:user/bob' }] },
      /^users\[1\]: duplicate "accessKeyId" "AKIAALICE"$/,
    ],
  ])('refuses %s with a TypeError naming the entry', (_, input, message) => {
    expect(() => parseUsers(input)).toThrow(TypeError);
    expect(() => parseUsers(input)).toThrow(message);
  });

  it('reports a syntax error by line and column, never quoting the text around it (a secret key)', () => {
    const text =
      '{\n  "users": [\n    { "accessKeyId": "AKIAALICE", "secretAccessKey": s3cr3tKEYs3cr3tKEY,\n      "principal": "arn:aws:iam::111122223333:user/alice" }\n  ]\n}\n';
    expect(() => parseUsers(text)).toThrow(new TypeError('users file: not valid JSON (syntax error at line 3, column 54)'));
    expect(() => parseUsers('{"users": [{"secretAccessKey": "s3cr3tKEY')).toThrow(
      new TypeError('users file: not valid JSON (unexpected end of input at line 1, column 42)'),
    );
  });
});

describe('withDefaultUser', () => {
  it('adds test/test as the root of the default account', () => {
    expect(withDefaultUser(NO_USERS, '123456789012').lookup('test')).toEqual({
      accessKeyId: 'test',
      secretAccessKey: 'test',
      principal: { arn: 'arn:aws:iam::123456789012:root', account: '123456789012', type: 'Root', accessKeyId: 'test' },
    });
    expect(withDefaultUser(NO_USERS, '123456789012', 'cn-north-1').lookup('test')?.principal.arn).toBe('arn:aws-cn:iam::123456789012:root');
  });

  it('keeps a users file that defines test itself', () => {
    const users = withDefaultUser(parseUsers({ users: [{ ...alice, accessKeyId: 'test' }] }), '000000000000');
    expect(users.lookup('test')?.principal.arn).toBe('arn:aws:iam::111122223333:user/alice');
    expect(users.entries).toHaveLength(1);
  });
});
