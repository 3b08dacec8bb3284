import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from './heap-budget.js';

describe('heapGrowthFlag', () => {
  it('sets V8 growing factor unless the user sized or tuned the heap', () => {
    expect(heapGrowthFlag({ execArgv: [], nodeOptions: '' })).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(heapGrowthFlag({ execArgv: ['--max-old-space-size=512'], nodeOptions: '' })).toBeUndefined();
    expect(heapGrowthFlag({ execArgv: [], nodeOptions: '--max_old_space_size=256' })).toBeUndefined();
    expect(heapGrowthFlag({ execArgv: [], nodeOptions: '--enable-source-maps --heap-growing-percent=20' })).toBeUndefined();
  });
});
