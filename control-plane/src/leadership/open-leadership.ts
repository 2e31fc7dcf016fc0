import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import { type Leadership, SoleLeader } from './leadership.js';
import { LeaseElector } from './lease-elector.js';

/**
 * The configured leadership: a Lease in Kubernetes when leaderElection.enabled, else the sole
 * leader. Namespace and identity default to POD_NAMESPACE and POD_NAME, which the Deployment sets
 * from the downward API.
 */
export function openLeadership(
  config: Config,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Leadership {
  const settings = config.leaderElection;
  if (!settings.enabled) return new SoleLeader();
  const leaseDurationMs = settings.leaseDurationSeconds * 1000;
  const renewDeadlineMs = settings.renewDeadlineSeconds * 1000;
  const retryPeriodMs = settings.retryPeriodSeconds * 1000;
  if (!(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) {
    throw new KlarsynError(
      'config_invalid',
      'leaderElection needs retryPeriodSeconds < renewDeadlineSeconds < leaseDurationSeconds',
    );
  }
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfig) kubeConfig.loadFromFile(settings.kubeconfig);
  else kubeConfig.loadFromCluster();
  return new LeaseElector({
    kubeConfig,
    namespace: settings.namespace ?? env.POD_NAMESPACE ?? 'klarsyn-system',
    leaseName: settings.leaseName,
    // Two processes with one identity would both lead: without a pod name, make it unique.
    identity: settings.identity ?? env.POD_NAME ?? `${hostname()}_${randomBytes(4).toString('hex')}`,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    logger,
  });
}
