/**
 * @module
 * ListKeyRotations: the completed rotations of a key, oldest first, paginated with `Limit`
 * (1..1000, default 100) and `Marker`. Each entry names the key (its id, as AWS's example shows),
 * the backing key (`KeyMaterialId`, CURRENT or NON_CURRENT), the date and the type. With the newer
 * model's `IncludeKeyMaterial: ALL_KEY_MATERIAL` the first backing key is listed too, without a
 * date or type (there is never imported material pending rotation in Strongbox: EXTERNAL keys do
 * not rotate). Rotations in progress are not listed until they complete.
 */

import { currentMaterial } from '../model/keys.ts';
import type { KeyRecord } from '../model/records.ts';
import { enumOf, structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import { LIMIT, MARKER, paginate } from './shared/pagination.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeyRotations request. */
export interface ListKeyRotationsRequest {
  KeyId: string;
  /** ROTATIONS_ONLY (default) or ALL_KEY_MATERIAL. */
  IncludeKeyMaterial?: 'ALL_KEY_MATERIAL' | 'ROTATIONS_ONLY';
  Limit?: number;
  Marker?: string;
}

/** One backing key of the key. */
export interface RotationsListEntry {
  /** The key id. */
  KeyId: string;
  KeyMaterialId: string;
  KeyMaterialState: 'CURRENT' | 'NON_CURRENT';
  /** Absent for the first backing key. */
  RotationDate?: Date;
  /** Absent for the first backing key. */
  RotationType?: 'AUTOMATIC' | 'ON_DEMAND';
}

/** ListKeyRotations response. */
export interface ListKeyRotationsResponse {
  Rotations: RotationsListEntry[];
  NextMarker?: string;
  Truncated: boolean;
}

/** ListKeyRotations. */
export const listKeyRotations: OperationDefinition<'ListKeyRotations', ListKeyRotationsRequest, ListKeyRotationsResponse> = {
  name: 'ListKeyRotations',
  quota: { perSecond: 100 },
  readOnly: true,
  keyState: 'rotationRead',
  input: structure({ KeyId: KEY_ID, IncludeKeyMaterial: enumOf(['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY']), Limit: LIMIT, Marker: MARKER }, ['KeyId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:ListKeyRotations', key);
    context.requireKeyState(key);
    const page = paginate(rotationEntries(key, input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL'), input.Limit, input.Marker);
    return { Rotations: page.items, ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }), Truncated: page.truncated };
  },
};

function rotationEntries(key: KeyRecord, includeFirst: boolean): RotationsListEntry[] {
  const current = currentMaterial(key)?.materialId;
  const state = (materialId: string): 'CURRENT' | 'NON_CURRENT' => (materialId === current ? 'CURRENT' : 'NON_CURRENT');
  const entries: RotationsListEntry[] = key.rotation.history.map((event) => ({
    KeyId: key.keyId,
    KeyMaterialId: event.materialId,
    KeyMaterialState: state(event.materialId),
    RotationDate: new Date(event.rotationDate),
    RotationType: event.rotationType,
  }));
  const first = key.materials[0];
  if (includeFirst && first !== undefined) entries.unshift({ KeyId: key.keyId, KeyMaterialId: first.materialId, KeyMaterialState: state(first.materialId) });
  return entries;
}
