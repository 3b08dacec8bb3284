import { describe, expect, it } from 'vitest';
import { FinproClock } from './finpro-clock.js';

describe('FinproClock', () => {
  const at = (iso: string) => () => Date.parse(iso);

  it('is our clock until an answer tells FinPro time', () => {
    const clock = new FinproClock(at('2026-01-01T10:00:00.500Z'));
    expect(clock.known).toBe(false);
    expect(clock.now()).toBe(Date.parse('2026-01-01T10:00:00.500Z'));
    clock.observe(null, 0);
    clock.observe('not a date', 0);
    expect(clock.known).toBe(false);
  });

  it("follows FinPro's clock when ours runs ahead of it", () => {
    let local = Date.parse('2026-01-01T10:03:00.000Z');
    const clock = new FinproClock(() => local);
    clock.observe('Thu, 01 Jan 2026 10:00:00 GMT', local);
    expect(clock.skewMs).toBe(-180_000);
    local += 5_000;
    expect(new Date(clock.now()).toISOString()).toBe('2026-01-01T10:00:05.000Z');
  });

  it("keeps ours when FinPro's runs ahead: a watermark must never lie in the future once FinPro is corrected", () => {
    const local = Date.parse('2026-01-01T10:00:00.000Z');
    const clock = new FinproClock(() => local);
    clock.observe('Thu, 01 Jan 2026 11:00:00 GMT', local);
    expect(clock.skewMs).toBe(3_600_000);
    expect(clock.now()).toBe(local);
  });

  it('follows the latest answer, so a clock corrected mid-sync is followed', () => {
    const local = Date.parse('2026-01-01T10:00:00.000Z');
    const clock = new FinproClock(() => local);
    clock.observe('Thu, 01 Jan 2026 09:00:00 GMT', local);
    clock.observe('Thu, 01 Jan 2026 10:00:00 GMT', local);
    expect(clock.now()).toBe(local);
  });

  it("reads an answer's body timestamp when it came without a Date header, with the contract's offsets", () => {
    const local = Date.parse('2026-01-01T10:03:00.000Z');
    const clock = new FinproClock(() => local);
    clock.observeBody({ ver: '1.0', timestamp: 'not a time' }, local);
    clock.observeBody(null, local);
    expect(clock.known).toBe(false);
    clock.observeBody({ ver: '1.0', timestamp: '2026-01-01T15:30:00.000+05:30' }, local);
    expect(clock.skewMs).toBe(-180_000);
    // No offset: UTC, as finpro-api.md reads it (Date.parse would read it as local time).
    clock.observeBody({ timestamp: '2026-01-01T10:01:00' }, local);
    expect(clock.skewMs).toBe(-120_000);
  });
});
