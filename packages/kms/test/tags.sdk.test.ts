/**
 * TagResource, UntagResource and ListResourceTags through the official AWS SDK client: tags in the
 * order they were added, values replaced in place, AWS's TagException texts (recorded from real
 * AWS), the 50-tag limit, ListResourceTags pages, and the CloudTrail rendering of tags.
 */

import {
  CreateKeyCommand,
  DisableKeyCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  type Tag,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, type SdkFixture, startKms } from './helpers/sdk.ts';

let kms: SdkFixture;

beforeAll(async () => {
  kms = await startKms();
});
afterAll(() => kms.close());

async function newKey(tags?: Tag[]): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await kms.client.send(new CreateKeyCommand(tags === undefined ? {} : { Tags: tags }));
  return { keyId: KeyMetadata!.KeyId!, arn: KeyMetadata!.Arn! };
}

async function tagsOf(keyId: string, limit?: number): Promise<Tag[]> {
  const tags: Tag[] = [];
  let marker: string | undefined;
  do {
    const page = await kms.client.send(
      new ListResourceTagsCommand({ KeyId: keyId, ...(limit === undefined ? {} : { Limit: limit }), ...(marker === undefined ? {} : { Marker: marker }) }),
    );
    expect(page.Truncated).toBe(page.NextMarker !== undefined);
    tags.push(...page.Tags!);
    marker = page.NextMarker;
  } while (marker !== undefined);
  return tags;
}

const tag = (key: string, value: string): Tag => ({ TagKey: key, TagValue: value });

describe('TagResource and ListResourceTags', () => {
  it('add tags in order and replace a value in place (the sequence recorded from AWS)', async () => {
    const { keyId, arn } = await newKey([tag('tag1', 'value1'), tag('tag2', 'value2'), tag('tag3', 'value3')]);
    await kms.client.send(new TagResourceCommand({ KeyId: arn, Tags: [tag('tag4', 'value4'), tag('tag2', 'updated_value2'), tag('tag5', 'value5')] }));
    expect(await tagsOf(keyId)).toEqual([
      tag('tag1', 'value1'),
      tag('tag2', 'updated_value2'),
      tag('tag3', 'value3'),
      tag('tag4', 'value4'),
      tag('tag5', 'value5'),
    ]);
  });

  it('keep insertion order rather than sorting', async () => {
    const { keyId } = await newKey();
    await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('zeta', '1'), tag('alpha', '2')] }));
    await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('Mid', '')] }));
    expect(await tagsOf(keyId)).toEqual([tag('zeta', '1'), tag('alpha', '2'), tag('Mid', '')]);
  });

  it('refuse duplicate keys, reserved aws: keys (any case) and more than 50 tags with AWS TagException texts', async () => {
    const { keyId } = await newKey();
    const send = (tags: Tag[]) => failureOf(kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: tags })));
    expect(await send([tag('tag1', 'value1'), tag('tag1', 'another-value1')])).toEqual({ name: 'TagException', message: 'Duplicate tag keys', status: 400 });
    expect(await send([tag('aws:key1', 'value1')])).toEqual({ name: 'TagException', message: 'Tags beginning with aws: are reserved', status: 400 });
    expect(await send([tag('AWS:key1', 'value1')])).toEqual({ name: 'TagException', message: 'Tags beginning with aws: are reserved', status: 400 });
    const fiftyOne = Array.from({ length: 51 }, (_, i) => tag(`key${i}`, `value${i}`));
    expect(await send(fiftyOne)).toEqual({ name: 'TagException', message: 'Too many tags', status: 400 });
    expect(await tagsOf(keyId)).toEqual([]);
  });

  it('allow 50 tags on a key, and refuse the 51st added later', async () => {
    const { keyId } = await newKey(Array.from({ length: 49 }, (_, i) => tag(`key${i}`, 'v')));
    await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('key49', 'v'), tag('key0', 'replaced')] }));
    expect(await tagsOf(keyId)).toHaveLength(50);
    const failure = await failureOf(kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('key50', 'v')] })));
    expect(failure).toEqual({ name: 'TagException', message: 'Too many tags', status: 400 });
  });

  it('check tag lengths against the model (Coral texts with the tags.N.member path)', async () => {
    const { keyId } = await newKey();
    const failure = await failureOf(kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('ok', 'v'), tag('k', 'v'.repeat(257))] })));
    expect(failure.message).toBe(
      `1 validation error detected: Value '${'v'.repeat(257)}' at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  });

  it('TagResource works on a disabled key and is refused while the key is pending deletion', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new DisableKeyCommand({ KeyId: keyId }));
    await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('state', 'disabled')] }));
    await kms.client.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    for (const command of [new TagResourceCommand({ KeyId: keyId, Tags: [tag('a', 'b')] }), new UntagResourceCommand({ KeyId: keyId, TagKeys: ['state'] })]) {
      expect(await failureOf(kms.client.send(command as never))).toEqual({
        name: 'KMSInvalidStateException',
        message: `${arn} is pending deletion.`,
        status: 400,
      });
    }
    // ListResourceTags works in every key state.
    expect(await tagsOf(keyId)).toEqual([tag('state', 'disabled')]);
  });

  it('ListResourceTags pages with Limit (capped at the documented 50) and Marker', async () => {
    const all = Array.from({ length: 50 }, (_, i) => tag(`k${String(i).padStart(2, '0')}`, `v${i}`));
    const { keyId } = await newKey(all);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), async (limit) => {
        const first = await kms.client.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: limit }));
        expect(first.Tags).toHaveLength(Math.min(limit, 50));
        expect(first.Truncated).toBe(limit < 50);
        expect(await tagsOf(keyId, limit)).toEqual(all);
      }),
      { numRuns: 20 },
    );
    const empty = await kms.client.send(new ListResourceTagsCommand({ KeyId: (await newKey()).keyId }));
    expect(empty).toMatchObject({ Tags: [], Truncated: false });
    expect(empty.NextMarker).toBeUndefined();
  });

  it('take a key id or key ARN only', async () => {
    const failure = await failureOf(kms.client.send(new ListResourceTagsCommand({ KeyId: 'alias/aws/s3' })));
    expect(failure).toEqual({ name: 'InvalidArnException', message: 'Key Aliases are not supported for this operation.', status: 400 });
  });

  it('record tags in CloudTrail with lower-case tagKey/tagValue members', async () => {
    const { keyId, arn } = await newKey();
    await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('Department', 'IT')] }));
    const event = kms.kms.auditTrail.events().at(-1)!;
    expect(event).toMatchObject({
      eventName: 'TagResource',
      requestParameters: { keyId, tags: [{ tagKey: 'Department', tagValue: 'IT' }] },
      resources: [arn],
      responseElements: null,
    });
  });
});

describe('UntagResource', () => {
  it('removes the named tags, ignores absent ones, and keeps the order of the rest', async () => {
    const { keyId } = await newKey([tag('tag1', 'value1'), tag('tag2', 'value2'), tag('tag3', 'value3')]);
    await kms.client.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['tag2', 'never-there'] }));
    expect(await tagsOf(keyId)).toEqual([tag('tag1', 'value1'), tag('tag3', 'value3')]);
    await kms.client.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['tag1', 'tag3'] }));
    const event = kms.kms.auditTrail.events().at(-1)!;
    expect(event).toMatchObject({ eventName: 'UntagResource', requestParameters: { keyId, tagKeys: ['tag1', 'tag3'] } });
    expect(await tagsOf(keyId)).toEqual([]);
  });

  it('agrees with a map model over any sequence of tag and untag calls', async () => {
    const keyName = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const action = fc.oneof(
      fc.record({ tag: fc.uniqueArray(fc.tuple(keyName, fc.string({ maxLength: 3 })), { selector: ([k]) => k, maxLength: 3 }) }),
      fc.record({ untag: fc.array(keyName, { minLength: 1, maxLength: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 8 }), async (actions) => {
        const { keyId } = await newKey();
        const model = new Map<string, string>();
        for (const step of actions) {
          if ('tag' in step) {
            await kms.client.send(new TagResourceCommand({ KeyId: keyId, Tags: step.tag.map(([k, v]) => tag(k, v)) }));
            for (const [k, v] of step.tag) model.set(k, v);
          } else {
            await kms.client.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: step.untag }));
            for (const k of step.untag) model.delete(k);
          }
        }
        expect(await tagsOf(keyId)).toEqual([...model].map(([k, v]) => tag(k, v)));
      }),
      { numRuns: 25 },
    );
  });
});
