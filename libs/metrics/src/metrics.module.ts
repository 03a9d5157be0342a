import { Module } from '@nestjs/common';
import { MetricsRegistry } from './metrics-registry.js';

/** The process's metrics registry; every module that defines metrics imports this one (one instance per app). */
@Module({ providers: [MetricsRegistry], exports: [MetricsRegistry] })
export class MetricsModule {}
