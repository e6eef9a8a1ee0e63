import { DokuSnapError } from '../errors';
import type { AnyChannelSpec } from './channel-spec';
import { DANA } from './dana';
import { OVO } from './ovo';
import { QRIS } from './qris';
import { SHOPEEPAY } from './shopeepay';
import { VIRTUAL_ACCOUNTS } from './virtual-accounts';

/** A channel name no registered spec has. */
export class UnknownChannelError extends DokuSnapError {
  constructor(readonly channel: string) {
    super(`unknown channel ${JSON.stringify(channel)}`);
  }
}

type AnyChannel = AnyChannelSpec;

/** The channels a process knows, by their name. */
export class ChannelRegistry {
  private readonly byName = new Map<string, AnyChannel>();

  constructor(specs: readonly AnyChannel[] = []) {
    for (const spec of specs) this.register(spec);
  }

  /** Two specs under one name would make one of them unreachable: refused. */
  register(spec: AnyChannel): this {
    if (this.byName.has(spec.channel))
      throw new DokuSnapError(`channel ${spec.channel} registered twice`);
    this.byName.set(spec.channel, spec);
    return this;
  }

  has(channel: string): boolean {
    return this.byName.has(channel);
  }

  get(channel: string): AnyChannel {
    const spec = this.byName.get(channel);
    if (!spec) throw new UnknownChannelError(channel);
    return spec;
  }

  all(): AnyChannel[] {
    return [...this.byName.values()];
  }
}

/** Every channel this library speaks. */
export const SNAP_CHANNELS: readonly AnyChannel[] = [
  DANA,
  SHOPEEPAY,
  OVO,
  ...VIRTUAL_ACCOUNTS,
  QRIS,
];

export function defaultChannelRegistry(): ChannelRegistry {
  return new ChannelRegistry(SNAP_CHANNELS);
}

/**
 * Every SNAP path of the registered channels, with what is done there (`OVO account_binding`),
 * notification paths (DOKU's calls to the merchant) included: for tools that check a path.
 */
export function snapPaths(channels: readonly AnyChannel[] = SNAP_CHANNELS): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const add = (path: string, what: string) => paths.set(path, [...(paths.get(path) ?? []), what]);
  for (const c of channels) {
    const ops = [c.payment, c.status, c.refund, c.cancel, ...Object.values(c.binding ?? {})];
    for (const op of ops) if (op && typeof op === 'object') add(op.path, `${c.channel} ${op.name}`);
    add(c.notification.path, `${c.channel} notification`);
  }
  return paths;
}
