import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@app/metrics';
import type { Decision, Service } from '../decision.js';

/**
 * Interconnection decisions taken for a request (a member asking about a peer, an assertion, a
 * verification, an operator's explanation), by service and reason. The decisions a directory
 * takes record by record for a message-log batch or a chat fan-out are not counted: they are
 * cached per snapshot, so a count of them would say how often a cache was read, not how often
 * the policy was asked; their effect is counted where it lands (message-log rejections, withheld
 * chat deliveries). Dry runs are hypothetical and not counted either.
 */
@Injectable()
export class DecisionMetrics {
  private readonly decisions;

  constructor(metrics: MetricsRegistry) {
    this.decisions = metrics.counter(
      'hub_interconnect_decisions_total',
      'interconnection decisions taken for requests, by service and reason (allowed-… or the denial reason)',
      ['service', 'reason'],
    );
  }

  taken(service: Service, decision: Decision): Decision {
    this.decisions.cell(service, decision.reason).inc();
    return decision;
  }
}
