import type { SnapAnswer } from './snap-answer';

interface Seen {
  path: string;
  bodyHash: string;
  answer: SnapAnswer;
}

/**
 * X-EXTERNAL-IDs seen per client and Jakarta day, with the answer each got, so that a resend with
 * the same id and bytes replays that answer and any other reuse is a conflict.
 * Only the current and previous day are kept: older ids can no longer collide.
 */
export class ExternalIdRegistry {
  private readonly days = new Map<string, Map<string, Seen>>();

  find(day: string, clientId: string, externalId: string): Seen | undefined {
    return this.days.get(day)?.get(`${clientId}\u0000${externalId}`);
  }

  remember(day: string, clientId: string, externalId: string, seen: Seen): void {
    let ids = this.days.get(day);
    if (!ids) {
      ids = new Map();
      this.days.set(day, ids);
      // Map keeps insertion order: the first keys are the oldest days.
      for (const old of this.days.keys()) {
        if (this.days.size <= 2) break;
        this.days.delete(old);
      }
    }
    ids.set(`${clientId}\u0000${externalId}`, seen);
  }

  clear(): void {
    this.days.clear();
  }
}
