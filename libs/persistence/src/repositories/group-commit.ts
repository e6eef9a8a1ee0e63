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
export class GroupCommit<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    private readonly options: { maxGroup: number; maxInFlight: number } = {
      maxGroup: 100,
      maxInFlight: 1,
    },
  ) {}

  run(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup);
      this.inFlight++;
      void this.commit(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
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
