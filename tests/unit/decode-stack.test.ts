import { describe, expect, it } from 'vitest';
import { buildWithMap, decodeTrace } from '../../scripts/decode-stack.js';

describe('decoding a production stack trace offline', () => {
  it('maps a frame of the minified prod bundle back to its TypeScript line', async () => {
    const { code, map, mapDir } = await buildWithMap('updateTechnicianLocation');
    expect(code).not.toMatch(/sourceMappingURL/);
    // Where the deployed bundle holds the location route's "stale fix" reason, as a frame there would report it.
    const offset = code.indexOf('a newer location is already recorded');
    const before = code.slice(0, offset).split('\n');
    const frame = `    at file:///var/task/functions/technicians/location.mjs:${before.length}:${before.at(-1)!.length + 1}`;
    expect(decodeTrace(frame, map, mapDir)).toMatch(/at functions\/technicians\/location\.ts:\d+:\d+/);
  }, 60_000);
});
