import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { PRINTABLE_ASCII } from '../../common/validators';

export class FindPaymentsQuery {
  @ApiProperty({ example: 'ORDER-2026-0001' })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'partnerReferenceNo must be printable ASCII' })
  partnerReferenceNo: string;
}
