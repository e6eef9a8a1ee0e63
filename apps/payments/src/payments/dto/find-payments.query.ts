import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ListQuery } from '../../common/list';
import { PRINTABLE_ASCII } from '../../common/validators';

export class FindPaymentsQuery extends ListQuery {
  @ApiPropertyOptional({ example: 'ORDER-2026-0001', description: "The order's reference" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'partnerReferenceNo must be printable ASCII' })
  partnerReferenceNo?: string;

  @ApiPropertyOptional({ enum: ['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'EXPIRED'] })
  @IsOptional()
  @IsIn(['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'EXPIRED'], {
    message: 'status must be PENDING, PAID, FAILED, CANCELLED or EXPIRED',
  })
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
  @Matches(/^[A-Za-z0-9_.-]{1,40}:\P{Cc}{0,500}$/u, {
    message: 'metadata must be key:value (the key 1-40 letters, digits, _ . or -)',
  })
  metadata?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only what a person must look at (each with its reason)',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'attention must be true' })
  attention?: 'true';
}
