/** Global condition keys the kernel computes for every service. */

import { describe, expect, it } from 'vitest';
import { globalConditionValue, rootPrincipal } from '../../src/index.ts';

const caller = rootPrincipal('us-east-1', '111122223333');

describe('aws:SecureTransport', () => {
  it('is "true" or "false" as the service says the request arrived', () => {
    expect(globalConditionValue({ caller, region: 'us-east-1', secureTransport: true }, 'aws:securetransport')).toEqual(['true']);
    expect(globalConditionValue({ caller, region: 'us-east-1', secureTransport: false }, 'aws:securetransport')).toEqual(['false']);
  });

  it('is absent when the service does not say', () => {
    expect(globalConditionValue({ caller, region: 'us-east-1' }, 'aws:securetransport')).toBeUndefined();
  });
});
