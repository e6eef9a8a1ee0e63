import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { IsAmountValue } from './validators';

/** Money as callers send it: a decimal string with two decimals, never a number. */
export class MoneyDto {
  @ApiProperty({
    example: '15000.00',
    description: 'Decimal string with exactly two decimals, greater than zero.',
  })
  @IsAmountValue()
  value: string;

  @ApiProperty({ example: 'IDR', enum: ['IDR'] })
  @IsString()
  @IsIn(['IDR'], { message: 'currency must be IDR' })
  currency: string;
}
