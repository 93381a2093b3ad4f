/**
 * An object's storage class and tags live in its record in the data directory: a store opened
 * again answers them (GetObjectTagging, HeadObject, ListObjectsV2), and a record written before
 * either was kept (no field) reads as STANDARD with no tags. Through `@aws-sdk/client-s3`.
 */

import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { openFileSystemObjectStore } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, wireEngine } from '../helpers/wire.ts';

function open(directory: string) {
  const engine = wireEngine({ engine: { storage: { directory } } });
  const client = inProcessClient(engine.handler);
  return {
    client,
    close: async () => {
      client.destroy();
      await engine.close();
    },
  };
}

describe('a data directory opened again', () => {
  it('keeps each object’s storage class and tags', async () => {
    const directory = tempDirectory('attributes');
    const first = open(directory);
    await first.client.send(new CreateBucketCommand({ Bucket: 'data' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'x', StorageClass: 'DEEP_ARCHIVE', Tagging: 'a=1' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'plain', Body: 'y' }));
    await first.client.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'plain', Tagging: { TagSet: [{ Key: 'b', Value: '2' }] } }));
    await first.close();

    const second = open(directory);
    try {
      const tags = async (key: string) => (await second.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: key }))).TagSet;
      expect(await tags('cold')).toEqual([{ Key: 'a', Value: '1' }]);
      expect(await tags('plain')).toEqual([{ Key: 'b', Value: '2' }]);
      const head = await second.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }));
      expect([head.StorageClass, head.TagCount]).toEqual(['DEEP_ARCHIVE', 1]);
      const listed = (await second.client.send(new ListObjectsV2Command({ Bucket: 'data' }))).Contents ?? [];
      expect(listed.map((object) => [object.Key, object.StorageClass])).toEqual([
        ['cold', 'DEEP_ARCHIVE'],
        ['plain', 'STANDARD'],
      ]);
    } finally {
      await second.close();
    }
  });

  it('reads a record without the fields (written before they were kept) as STANDARD with no tags', async () => {
    const directory = tempDirectory('attributes-old');
    const first = open(directory);
    await first.client.send(new CreateBucketCommand({ Bucket: 'data' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'old', Body: 'x', StorageClass: 'GLACIER', Tagging: 'a=1' }));
    await first.close();
    // The record as an older Strongbox wrote it: the same fields without storage-class and tags.
    const store = await openFileSystemObjectStore({ directory });
    await store.updateObjectMetadata('data', 'old', (current) => {
      const { 'storage-class': _class, tags: _tags, ...older } = current.metadata;
      return older;
    });
    await store.close();

    const second = open(directory);
    try {
      const head = await second.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'old' }));
      expect([head.StorageClass, head.TagCount]).toEqual([undefined, undefined]);
      expect((await second.client.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'old' }))).TagSet).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
