import { countRequests, createServiceMetrics, serveMetrics } from '@enclavia/config';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { McpConfig } from './config.js';
import { observeToolCalls } from './tools/tool-call-events.js';

export interface McpMetrics {
  /** For the revocation list: a pushed revocation arrived this many milliseconds after it was made. */
  revocationPushed(ageMs: number): void;
  /** Serves `/metrics` as configured, with the revocation list's size read at each scrape. */
  attach(app: FastifyInstance, revocationListSize: () => number): Promise<void>;
}

/**
 * The MCP server's metrics: requests, tool calls by tool and outcome, the revocation list's size,
 * and how long revocations take to arrive. Create it first thing, so every request is counted.
 */
export function createMcpMetrics(app: FastifyInstance, config: McpConfig): McpMetrics {
  const { registry } = createServiceMetrics('mcp', config.metrics);
  countRequests(app, registry);
  const toolCalls = new Counter({
    name: 'enclavia_tool_calls_total',
    help: 'MCP tool calls by tool and outcome (ok, tool_error, refused, error)',
    labelNames: ['tool', 'outcome'],
    registers: [registry],
  });
  const stopCounting = observeToolCalls((tool, outcome) => toolCalls.inc({ tool, outcome }));
  app.addHook('onClose', async () => stopCounting());
  const pushLatency = new Histogram({
    name: 'enclavia_revocation_push_seconds',
    help: 'From a revocation to its arrival here by NOTIFY (clocks of both hosts included)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  return {
    revocationPushed: (ageMs) => pushLatency.observe(Math.max(0, ageMs) / 1000),
    async attach(app, revocationListSize) {
      new Gauge({
        name: 'enclavia_revocation_list_size',
        help: 'Revoked grants and personal access tokens held in memory',
        registers: [registry],
        collect() {
          this.set(revocationListSize());
        },
      });
      await serveMetrics(app, registry, {
        ...config.metrics,
        host: config.host,
        hostSetting: 'MCP_HOST',
        portSetting: 'MCP_METRICS_PORT',
      });
    },
  };
}
