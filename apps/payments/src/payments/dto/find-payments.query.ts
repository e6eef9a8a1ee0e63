import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PRINTABLE_ASCII } from '../../common/validators';

export class FindPaymentsQuery {
  @ApiPropertyOptional({ example: 'ORDER-2026-0001', description: "The order's reference" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'partnerReferenceNo must be printable ASCII' })
  partnerReferenceNo?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only what a person must look at (each with its reason), oldest first',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'attention must be true' })
  attention?: 'true';
}
