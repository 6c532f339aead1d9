import { describe, it } from 'vitest';
import { MemoryKeyStore } from '../src/memory-key-store.js';
import { keyStoreContract } from './key-store-contract.js';

describe('MemoryKeyStore', () => {
  for (const [name, check] of Object.entries(keyStoreContract)) {
    it(name, () => check({ fresh: async () => new MemoryKeyStore() }));
  }
});
