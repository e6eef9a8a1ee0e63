import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { ApiErrors, InternalApi, TakesBody } from '../http/api-docs';
import { BalanceView, BindingView } from './binding.view';
import { CreateBindingDto } from './dto/create-binding.dto';
import { WalletBindingsService } from './wallet-bindings.service';

@ApiTags('wallet bindings')
@InternalApi()
@Controller('v1/wallet-bindings')
export class WalletBindingsController {
  constructor(private readonly bindings: WalletBindingsService) {}

  @Post()
  @ApiOperation({
    summary:
      "Start binding a customer's wallet account (OVO): send the customer to redirectUrl to confirm",
  })
  @ApiResponse({ status: 201, type: BindingView })
  @TakesBody()
  @ApiErrors(422, 502)
  create(@Body() dto: CreateBindingDto): Promise<BindingView> {
    return this.bindings.start(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One binding' })
  @ApiResponse({ status: 200, type: BindingView })
  @ApiErrors(404)
  get(@Param('id', new UuidParamPipe('id')) id: string): Promise<BindingView> {
    return this.bindings.get(id);
  }

  @Get(':id/balance')
  @ApiOperation({ summary: "The bound wallet's balance (DOKU's balance inquiry)" })
  @ApiResponse({ status: 200, type: BalanceView })
  @ApiErrors(404, 422, 502)
  balance(@Param('id', new UuidParamPipe('id')) id: string): Promise<BalanceView> {
    return this.bindings.balance(id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unbind at DOKU: the binding becomes UNBOUND' })
  @ApiResponse({ status: 200, type: BindingView })
  @ApiErrors(404, 422, 502)
  unbind(@Param('id', new UuidParamPipe('id')) id: string): Promise<BindingView> {
    return this.bindings.unbind(id);
  }
}
