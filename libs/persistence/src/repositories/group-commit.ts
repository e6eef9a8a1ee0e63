import { refusedByDatabase } from '../errors';

interface Waiting<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for one kind of write: calls made while earlier ones are in flight wait and then
 * go together, as one statement (one round trip, one commit, one wake-up of PostgreSQL for all).
 * A call made when nothing is in flight goes at once, so a quiet service pays no added latency.
 * `write` gets the items in order and answers one result per item, in order. When PostgreSQL
 * refuses a group (nothing of it was written), each item is written again alone: one bad item
 * fails alone. Any other failure (a lost connection: the group may have committed) fails every
 * item of the group with it, as it would have failed each alone.
 */
export interface GroupCommitOptions<In> {
  maxGroup: number;
  maxInFlight: number;
  /**
   * Items with the same key never share a group (the later waits for the next): PostgreSQL
   * updates a row only once per statement, so two items that update one row need two.
   */
  distinctBy?: (item: In) => unknown;
}

export class GroupCommit<In, Out> {
  private waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;
  private readonly options: GroupCommitOptions<In>;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    options: Partial<GroupCommitOptions<In>> = {},
  ) {
    this.options = { maxGroup: 100, maxInFlight: 1, ...options };
  }

  run(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const group = this.nextGroup();
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest waiting items, up to maxGroup, no two with the same key; the rest keep their order. */
  private nextGroup(): Waiting<In, Out>[] {
    const { maxGroup, distinctBy } = this.options;
    if (!distinctBy) return this.waiting.splice(0, maxGroup);
    const group: Waiting<In, Out>[] = [];
    const left: Waiting<In, Out>[] = [];
    const keys = new Set<unknown>();
    for (const w of this.waiting) {
      const key = distinctBy(w.item);
      if (group.length < maxGroup && !keys.has(key)) {
        keys.add(key);
        group.push(w);
      } else left.push(w);
    }
    this.waiting = left;
    return group;
  }

  private async commit(group: Waiting<In, Out>[]): Promise<void> {
    try {
      const results = await this.write(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (group.length === 1 || !refusedByDatabase(err)) {
        for (const w of group) w.reject(err);
        return;
      }
      await Promise.all(
        group.map((w) => this.write([w.item]).then(([result]) => w.resolve(result), w.reject)),
      );
    }
  }
}
