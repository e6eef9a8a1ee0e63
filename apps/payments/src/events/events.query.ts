import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { EVENT_TYPES } from '@app/persistence';
import { PageQuery } from '../common/list';

export class EventsQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'The nextCursor of the page before (none: from the oldest event kept)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: 'after must be a nextCursor this API gave' })
  after?: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: `type must be one of ${EVENT_TYPES.join(', ')}` })
  type?: string;
}

export class RedeliverDto {
  @ApiPropertyOptional({
    description: 'Only this endpoint (every endpoint that takes the type when absent)',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'endpointId must be a configured endpoint id' })
  endpointId?: string;
}
