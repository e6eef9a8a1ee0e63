import { describe, expect, it } from 'vitest';
import { SNAP_CHANNELS } from '@app/doku-snap';
import { CHANNEL_FIELDS } from './channel-adapter';
import { CHANNEL_ADAPTERS } from './channel-adapters';

describe('the channel adapters', () => {
  it('are one per channel of the library, in its order (CHANNELS is checked against it)', () => {
    expect(CHANNEL_ADAPTERS.map((a) => a.spec)).toEqual([...SNAP_CHANNELS]);
  });

  it('name only request fields the service knows, none both required and optional', () => {
    for (const { spec, fields } of CHANNEL_ADAPTERS) {
      for (const f of [...fields.required, ...fields.optional])
        expect(CHANNEL_FIELDS, spec.channel).toContain(f);
      expect(
        fields.required.filter((f) => fields.optional.includes(f)),
        spec.channel,
      ).toEqual([]);
    }
  });

  it('have a binding hook exactly where the library says payments need a binding', () => {
    for (const adapter of CHANNEL_ADAPTERS)
      expect(adapter.bindingId !== undefined, adapter.spec.channel).toBe(
        adapter.spec.binding !== undefined,
      );
  });
});
