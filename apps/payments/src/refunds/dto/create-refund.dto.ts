import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { MoneyDto } from '../../common/money.dto';
import { IsFreeText, MetadataInput, VISIBLE_ASCII } from '../../common/validators';

export class CreateRefundDto {
  @ApiPropertyOptional({
    type: MoneyDto,
    description:
      'Full or partial amount; refunds not FAILED never exceed the payment. Absent: all that is left to refund.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount?: MoneyDto;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255, example: 'Customer cancelled one item' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @IsFreeText()
  reason?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 64,
    description: 'Your refund id (DOKU idempotency key); generated when absent.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(VISIBLE_ASCII, { message: 'partnerRefundNo must be visible ASCII without spaces' })
  partnerRefundNo?: string;

  @MetadataInput()
  metadata?: Record<string, string>;
}
