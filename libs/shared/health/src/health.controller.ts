import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { Public } from '@capstone/security';
import type { Response } from 'express';
import {
  assessReadiness,
  HEALTH_INDICATORS,
  type HealthIndicator,
  type ReadinessReport,
} from './health-indicator.js';

/**
 * Liveness says the process can serve (restart it if not); readiness says its dependencies answer
 * (send it traffic only if so). Orchestrators probe both: Kubernetes and the Docker health checks.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[]) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await assessReadiness(this.indicators);
    response.status(report.status === 'unavailable' ? 503 : 200);
    return report;
  }
}
