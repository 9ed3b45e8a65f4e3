/**
 * In-process n8n test harness: runs real workflows through n8n-core's WorkflowExecute.
 *
 *   const result = await runWorkflow({
 *     ...singleNodeWorkflow({ name: 'Kling', type: 'n8n-nodes-apixo.apixoKling', parameters }, [{}], 'apixoApi'),
 *     credentials: { apixoApi: { apiKey, baseUrl } },
 *   });
 *   result.status; result.output('Kling'); await readBinary(result.output('Kling')[0]);
 *
 * Needs test/harness/env.ts in jest `setupFiles` (it is) and, for this package's own
 * nodes, a build in dist/ (`npm run build`).
 */
export { readBinary } from './binary';
export type { CredentialsByType } from './credentials';
export type { RunResult } from './execution';
export type { LogEntry, LogLevel } from './log-capture';
export type { ExtraNodeTypes } from './node-types';
export { resumeAfterWaitLimit, resumeWorkflow } from './resume-workflow';
export { retryExecution } from './retry-execution';
export type { ResumeRequest, ResumeResult } from './resume-workflow';
export { runWorkflow } from './run-workflow';
export type { RunOptions } from './run-workflow';
export { START_NODE_TYPE } from './start-node';
export { START_NODE_NAME, singleNodeWorkflow } from './workflow-builders';
export type { NodeUnderTest } from './workflow-builders';
export { WebhookServer } from './webhook-server';
export type { ActivatedTrigger, TriggerActivation } from './webhook-server';
