import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { PHONE_NO_RE } from '@app/doku-snap';
import { PRINTABLE_ASCII } from '../../common/validators';

const httpUrl = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateBindingDto {
  @ApiProperty({ example: 'OVO', description: 'A channel that pays from a bound account.' })
  @IsString()
  @Length(1, 16)
  channel: string;

  @ApiProperty({ example: 'CUST-0005', minLength: 1, maxLength: 64 })
  @IsString()
  @Length(1, 64)
  @Matches(PRINTABLE_ASCII, { message: 'customerId must be printable ASCII' })
  customerId: string;

  @ApiProperty({ example: '6281234567890', description: '62 and 7-14 digits' })
  @IsString()
  @Matches(PHONE_NO_RE, { message: 'phoneNumber must be 62 followed by 7 to 14 digits' })
  phoneNumber: string;

  @ApiProperty({ example: 'https://shop.example/wallet/linked', maxLength: 255 })
  @IsString()
  @MaxLength(255)
  @IsUrl(httpUrl, { message: 'successUrl must be an absolute http(s) URL' })
  successUrl: string;

  @ApiProperty({ example: 'https://shop.example/wallet/not-linked', maxLength: 255 })
  @IsString()
  @MaxLength(255)
  @IsUrl(httpUrl, { message: 'failureUrl must be an absolute http(s) URL' })
  failureUrl: string;
}
