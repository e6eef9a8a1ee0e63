import { Inject, Injectable } from '@nestjs/common';
import { Clock, DokuSnapClient, jakartaDay } from '@app/doku-snap';
import { ExternalIdClaim, ExternalIdRegistry } from '@app/persistence';
import { CLOCK } from '../config/tokens';

/** Draws X-EXTERNAL-IDs and reserves them in PostgreSQL (unique per partner and Jakarta day) before use. */
@Injectable()
export class ExternalIdService {
  constructor(
    private readonly client: DokuSnapClient,
    private readonly registry: ExternalIdRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The claim for "now": our partner id and today's Jakarta day. */
  today(): Omit<ExternalIdClaim, 'purpose' | 'subjectId'> {
    return { partnerId: this.client.clientId, jakartaDay: jakartaDay(this.clock.now()) };
  }

  draw = (): string => this.client.nextExternalId();

  reserve(purpose: ExternalIdClaim['purpose'], subjectId: string | null): Promise<string> {
    const today = this.today();
    // Not { ...today, purpose, subjectId }: V8 makes a new hidden class for each such object.
    return this.registry.reserve(this.draw, {
      partnerId: today.partnerId,
      jakartaDay: today.jakartaDay,
      purpose,
      subjectId,
    });
  }
}
