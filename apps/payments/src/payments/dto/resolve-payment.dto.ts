import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { IsFreeText } from '../../common/validators';

/** What a person decides about money DOKU took that the books could not take as it came. */
export class ResolvePaymentDto {
  @ApiProperty({
    enum: ['refund', 'accept'],
    description:
      'refund: what DOKU took goes back (through the refund pipeline); accept: the payment is PAID',
  })
  @IsIn(['refund', 'accept'], { message: 'action must be refund or accept' })
  action: 'refund' | 'accept';

  @ApiProperty({ minLength: 1, maxLength: 255, example: 'Customer confirmed by phone' })
  @IsString()
  @Length(1, 255)
  @IsFreeText()
  reason: string;
}
