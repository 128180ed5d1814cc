import {
  Body,
  Controller,
  Delete,
  HttpCode,
  Post,
  Req,
  Res,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Response } from 'express';
import { Unauthenticated } from '../../common/errors/app-error';
import { Public } from '../../common/http/decorators';
import { UuidParam } from '../../common/http/id-params';
import type { AppRequest } from '../../common/http/principal';
import { clientAddress } from '../../common/http/rate-limit/rate-limit.guard';
import { ActivationDto, HeartbeatDto } from './dto/device-api.dto';
import { DevicesService } from './devices.service';

/** A device's own calls: the bearer token resolved before routing must be a device's. */
class DeviceToken implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AppRequest>();
    if (req.apiClient?.type !== 'device') throw new Unauthenticated('Send the device token as a bearer token.');
    return true;
  }
}

/**
 * The device agent API (JSON). Activation authenticates by product key (the
 * route is opened to calls without a bearer token); heartbeat and
 * deactivation by the device token. No session cookie is ever read here.
 */
@Controller('api/v1')
@Public()
export class DevicesApiController {
  constructor(private readonly devices: DevicesService) {}

  @Post('activations')
  async activate(@Body() body: ActivationDto, @Req() req: AppRequest, @Res() res: Response) {
    const result = await this.devices.activate(body, clientAddress(req));
    res.status(result.created ? 201 : 200).json({ deviceId: result.deviceId, deviceToken: result.deviceToken });
  }

  @Post('heartbeat')
  @HttpCode(204)
  @UseGuards(DeviceToken)
  async heartbeat(@Body() body: HeartbeatDto, @Req() req: AppRequest): Promise<void> {
    await this.devices.heartbeat(req.apiClient!.id, body);
  }

  @Delete('activations/:deviceId')
  @HttpCode(204)
  @UseGuards(DeviceToken)
  async deactivate(@UuidParam('deviceId') deviceId: string, @Req() req: AppRequest): Promise<void> {
    await this.devices.deactivate(req.apiClient!, deviceId);
  }
}
