import { DataSource, EntityManager } from 'typeorm';
import { ExternalIdEntity } from '../entities';
import { ExternalIdExhaustedError } from '../errors';

export interface ExternalIdClaim {
  partnerId: string;
  /** Jakarta calendar day, YYYY-MM-DD: the unit of SNAP's uniqueness rule. */
  jakartaDay: string;
  purpose: 'payment' | 'refund' | 'status_check' | 'binding' | 'cancel';
  subjectId?: string | null;
}

const MAX_DRAWS = 5;

/** Reserves every X-EXTERNAL-ID before it is sent; the primary key makes it unique per partner and day. */
export class ExternalIdRegistry {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores `externalId` for the day; false when it was already taken. */
  async tryReserve(
    externalId: string,
    claim: ExternalIdClaim,
    manager?: EntityManager,
  ): Promise<boolean> {
    const result = await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(ExternalIdEntity)
      .values({
        partnerId: claim.partnerId,
        jakartaDay: claim.jakartaDay,
        externalId,
        purpose: claim.purpose,
        subjectId: claim.subjectId ?? null,
      })
      .orIgnore()
      .returning(['externalId'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  /** Draws ids until one is free that day (a collision draws a new one). */
  async reserve(
    draw: () => string,
    claim: ExternalIdClaim,
    manager?: EntityManager,
  ): Promise<string> {
    for (let i = 0; i < MAX_DRAWS; i++) {
      const candidate = draw();
      if (await this.tryReserve(candidate, claim, manager)) return candidate;
    }
    throw new ExternalIdExhaustedError();
  }
}
