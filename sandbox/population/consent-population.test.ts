import { describe, expect, it } from 'vitest';
import { ConsentPopulation } from './consent-population.js';
import { CONSENT_SCENARIOS } from './consent-scenario.js';

describe('consent population', () => {
  it('round-trips ids to indices and rejects foreign ids', () => {
    const p = new ConsentPopulation(7, 100_000, Date.UTC(2026, 0, 1));
    for (const i of [0, 1, 2, 999, 54_321, 99_999]) expect(p.indexOf(p.idOf(i))).toBe(i);
    expect(p.indexOf(p.idOf(5).toUpperCase())).toBe(5);
    expect(p.indexOf('54450ac0-8bcb-4b9c-ad74-29b4fabe18f7')).toBeUndefined();
    expect(new ConsentPopulation(8, 100_000, 0).indexOf(p.idOf(3))).toBeUndefined();
    expect(new ConsentPopulation(7, 10, 0).indexOf(p.idOf(50))).toBeUndefined();
    expect(p.idOf(12)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('mixes scenarios roughly as documented, mostly ACTIVE, with 1-3 accounts each', () => {
    const p = new ConsentPopulation(42, 10_000, 0);
    const counts = Object.fromEntries(CONSENT_SCENARIOS.map((s) => [s, 0])) as Record<string, number>;
    let accounts = 0;
    for (let i = 0; i < p.count; i++) {
      const c = p.consent(i);
      counts[c.scenario]!++;
      accounts += c.accounts.length;
      if (c.accounts.length < 1 || c.accounts.length > 3) throw new Error(`consent ${i} has ${c.accounts.length} accounts`);
    }
    expect(counts['ACTIVE']! / p.count).toBeCloseTo(0.8, 1);
    for (const s of CONSENT_SCENARIOS) expect(counts[s]).toBeGreaterThan(100);
    expect(accounts / p.count).toBeCloseTo(1.95, 1);
  });
});
