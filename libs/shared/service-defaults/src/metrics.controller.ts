import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { Public } from '@capstone/security';
import { metricsHandler } from '@capstone/telemetry';
import type { Request, Response } from 'express';

/**
 * Prometheus's scrape endpoint, on the service's own HTTP port: the port of its health probes,
 * which only the cluster reaches. The gateway serves its metrics on a port of its own instead.
 */
@Public()
@Controller('metrics')
export class MetricsController {
  @Get()
  scrape(@Req() request: Request, @Res() response: Response): void {
    const handler = metricsHandler();
    if (!handler) throw new NotFoundException('telemetry is off (OTEL_SDK_DISABLED)');
    handler(request, response);
  }
}
