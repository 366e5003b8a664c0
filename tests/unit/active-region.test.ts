// The cached view of the active-region record: read at most once per cacheMs, the default without a record, the last
// answer kept when the table cannot be read.
import { describe, expect, it } from 'vitest';
import { CachedRegionRole } from '#shared/adapters/dynamodb/active-region.js';
import type { ActiveRegionRecord } from '#shared/ports/active-region.js';

function fakeStore(answers: Array<ActiveRegionRecord | undefined | Error>) {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    read() {
      const answer = answers[Math.min(reads++, answers.length - 1)];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

describe('CachedRegionRole', () => {
  it('reads the record once per cacheMs, and again once it has expired', async () => {
    let now = 0;
    const store = fakeStore([{ region: 'eu-west-2' }, { region: 'eu-west-1' }]);
    const role = new CachedRegionRole('eu-west-1', store, { cacheMs: 5000, clock: { now: () => new Date(now) } });
    expect(await Promise.all([role.activeRegion(), role.activeRegion()])).toEqual(['eu-west-2', 'eu-west-2']);
    now = 4999;
    expect(await role.activeRegion()).toBe('eu-west-2');
    expect(store.reads).toBe(1);
    now = 5000;
    expect(await role.activeRegion()).toBe('eu-west-1');
    expect(store.reads).toBe(2);
  });

  it('without a record, the default region serves, or this one when no default is set', async () => {
    const clock = { now: () => new Date(0) };
    const paired = new CachedRegionRole('eu-west-1', fakeStore([undefined]), {
      defaultRegion: 'eu-west-2',
      cacheMs: 0,
      clock,
    });
    expect(await paired.activeRegion()).toBe('eu-west-2');
    const single = new CachedRegionRole('eu-west-2', fakeStore([undefined]), { cacheMs: 0, clock });
    expect(await single.activeRegion()).toBe('eu-west-2');
  });

  it('keeps the last answer when the table cannot be read, and reads again on the next call', async () => {
    const store = fakeStore([{ region: 'eu-west-1' }, new Error('throttled'), { region: 'eu-west-2' }]);
    const role = new CachedRegionRole('eu-west-1', store, {
      defaultRegion: 'eu-west-2',
      cacheMs: 1000,
      clock: { now: () => new Date(0) },
    });
    expect(await role.activeRegion()).toBe('eu-west-1');
    // Expire the cache by hand: the clock is fixed, so only the failed read's own forgetting makes the third read happen.
    (role as unknown as { cached: undefined }).cached = undefined;
    expect(await role.activeRegion()).toBe('eu-west-1');
    expect(await role.activeRegion()).toBe('eu-west-2');
    expect(store.reads).toBe(3);
  });
});
