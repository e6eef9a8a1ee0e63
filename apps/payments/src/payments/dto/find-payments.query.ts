import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ListQuery } from '../../common/list';
import { PAYMENT_STATUSES } from '@app/persistence';
import { METADATA_KEY_CHARACTERS, METADATA_LIMITS, PRINTABLE_ASCII } from '../../common/validators';

export class FindPaymentsQuery extends ListQuery {
  @ApiPropertyOptional({ example: 'ORDER-2026-0001', description: "The order's reference" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'partnerReferenceNo must be printable ASCII' })
  partnerReferenceNo?: string;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES, { message: `status must be one of ${PAYMENT_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ example: 'DANA' })
  @IsOptional()
  @Matches(/^[A-Z_]{1,16}$/, { message: 'channel must be a channel name such as DANA' })
  channel?: string;

  @ApiPropertyOptional({
    example: 'orderType:gift',
    description: 'key:value: payments whose metadata has that key with that value',
  })
  @IsOptional()
  @Matches(
    new RegExp(
      `^[${METADATA_KEY_CHARACTERS}]{1,${METADATA_LIMITS.keyLength}}:\\P{Cc}{0,${METADATA_LIMITS.valueLength}}$`,
      'u',
    ),
    {
      message: `metadata must be key:value (the key 1-${METADATA_LIMITS.keyLength} letters, digits, _ . or -)`,
    },
  )
  metadata?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only what a person must look at (each with its reason)',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'attention must be true' })
  attention?: 'true';
}
