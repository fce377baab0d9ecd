import { describe, expect, it } from 'vitest';
import { uuidV5 } from '../../src/adapters/uuid-v5.js';

describe('uuidV5', () => {
  it('matches the RFC 9562 / Python uuid5 value', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('is deterministic and distinct per name', () => {
    expect(uuidV5('chunk-1')).toBe(uuidV5('chunk-1'));
    expect(uuidV5('chunk-1')).not.toBe(uuidV5('chunk-2'));
  });
});
