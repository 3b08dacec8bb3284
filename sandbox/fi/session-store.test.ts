import { describe, expect, it } from 'vitest';
import { SessionStore } from './session-store.js';
import type { FiSession } from './session-store.js';

describe('SessionStore ids', () => {
  it('gives a request repeated many times a new id each time (retries repeat a request far more than 16 times)', () => {
    const store = new SessionStore(42);
    const ids = new Set<string>();
    const fields = { consentIndex: 7 } as unknown as Omit<FiSession, 'id'>;
    for (let i = 0; i < 200; i++) ids.add(store.create([7, 1, 123], fields).id);
    expect(ids.size).toBe(200);
  });

  it('gives the first of a request the same id in every store of one seed', () => {
    const fields = { consentIndex: 7 } as unknown as Omit<FiSession, 'id'>;
    expect(new SessionStore(42).create([7, 1, 123], fields).id).toBe(new SessionStore(42).create([7, 1, 123], fields).id);
  });
});
