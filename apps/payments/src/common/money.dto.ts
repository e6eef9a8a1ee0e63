import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';

/** Money as callers send it: a decimal string with two decimals, never a number. */
export class MoneyDto {
  @ApiProperty({
    example: '15000.00',
    description: 'Decimal string with exactly two decimals, greater than zero.',
  })
  @IsString()
  @Matches(/^(?!0+\.00$)(0|[1-9][0-9]{0,15})\.[0-9]{2}$/, {
    message: 'value must be a positive amount with two decimals, e.g. "15000.00"',
  })
  value: string;

  @ApiProperty({ example: 'IDR', enum: ['IDR'] })
  @IsString()
  @IsIn(['IDR'], { message: 'currency must be IDR' })
  currency: string;
}
