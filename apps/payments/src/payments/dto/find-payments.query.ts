import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class FindPaymentsQuery {
  @ApiProperty({ example: 'ORDER-2026-0001' })
  @IsString()
  @Length(1, 64)
  partnerReferenceNo: string;
}
