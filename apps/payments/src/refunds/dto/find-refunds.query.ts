import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Length, Matches } from 'class-validator';
import { REFUND_STATUSES } from '@app/persistence';
import { ListQuery } from '../../common/list';
import { VISIBLE_ASCII } from '../../common/validators';

export class FindRefundsQuery extends ListQuery {
  @ApiPropertyOptional({ enum: REFUND_STATUSES })
  @IsOptional()
  @IsIn(REFUND_STATUSES, { message: `status must be one of ${REFUND_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'paymentId must be a UUID' })
  paymentId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Length(1, 64)
  @Matches(VISIBLE_ASCII, { message: 'partnerRefundNo must be visible ASCII without spaces' })
  partnerRefundNo?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only the refunds a person must look at (their calls ran out while open)',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'attention must be true' })
  attention?: 'true';
}
