// The control-plane stack, synthesized from the service manifest and the table list. Resources are
// imported by deep path (the provider's package root loads 2,212 modules). The same synthesized
// Terraform applies to AWS and to local mode: the provider honours AWS_ENDPOINT_URL.
import path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, LocalBackend, S3Backend, TerraformAsset, TerraformOutput, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import {
  GUARDED_ACTIONS,
  SERVICES,
  names,
  type PermissionSpec,
  type ResourceRef,
  type ServiceId,
  type ServiceSpec,
} from '../shared/manifest/services.js';
import { TABLES, physicalTableName, type TableId } from '../shared/manifest/tables.js';
import { LAMBDA_NODE_RUNTIME } from '../shared/aws/lambda-runtime.js';
import { BOUNDARY_EXTRA_ENV, workflowBoundaryName, workflowBoundaryPolicy, type ExtraStatement } from '../shared/workflows/boundary.js';

/** Terraform state in S3 (`make deploy` with CARIBOU_TF_STATE_BUCKET): shared, locked, encrypted. */
export interface RemoteState {
  bucket: string;
  key: string;
  region: string;
  /** DynamoDB table for state locking (optional: without it, S3's own lock file is used). */
  lockTable?: string;
}

export interface CaribouStackProps {
  /** Prefix of every physical name (default "caribou"). */
  prefix: string;
  /** AWS region of the control plane (the "system region"). */
  region: string;
  /** Folder holding one bundle folder per service: <bundleDir>/<service>/index.mjs. */
  bundleDir: string;
  /** Local state file path (absolute); omitted: Terraform's default local state in the stack folder. */
  stateFile?: string;
  /** CloudWatch Logs retention of the services' log groups. */
  logRetentionDays?: number;
  /** S3 remote state instead of the local state file (ignored when stateFile is set). */
  remoteState?: RemoteState;
  /**
   * Extra environment per service (settings its config module reads, e.g. local mode's shorter log
   * delivery grace); never secrets. Applied after the stack's own variables, which it may not replace.
   */
  serviceEnvironment?: Partial<Record<ServiceId, Record<string, string>>>;
  /**
   * Deny every non-TLS request to the artifacts bucket (default true). Local mode turns it off: its
   * emulator speaks plain HTTP on loopback, and moto enforces the bucket policy's Deny.
   */
  tlsOnlyBucket?: boolean;
  /**
   * Statements added to the workflow permissions boundary for workflows that call other AWS services
   * (validated: Allow only, named actions, no iam/sts; shared/workflows/boundary.ts). The services
   * get them too (CARIBOU_BOUNDARY_EXTRA_STATEMENTS) so the migrator accepts policies within them.
   */
  boundaryExtraStatements?: ExtraStatement[];
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

interface FeedingRule {
  key: string;
  rule: CloudwatchEventRule;
  onCustomBus: boolean;
  /** Constant input of a schedule's target. */
  input?: string;
}

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

type Conditions = NonNullable<PermissionSpec['conditions']>;

/**
 * One permission as statements: actions that could escalate privileges (GUARDED_ACTIONS) go into
 * their own statement with their guard condition added to the spec's own.
 */
export function permissionStatements(
  permission: PermissionSpec,
  sid: string,
  resources: string[],
  substitute: (text: string) => string,
): Statement[] {
  const render = (conditions: Conditions | undefined): Statement['Condition'] =>
    conditions &&
    Object.fromEntries(
      Object.entries(conditions).map(([op, entries]) => [
        op,
        Object.fromEntries(
          Object.entries(entries).map(([key, value]) => [key, Array.isArray(value) ? value.map(substitute) : substitute(value)]),
        ),
      ]),
    );
  const merge = (a: Conditions | undefined, b: Conditions | undefined): Conditions | undefined => {
    if (!a) return b;
    if (!b) return a;
    const out: Conditions = { ...a };
    for (const [op, entries] of Object.entries(b)) out[op] = { ...(out[op] ?? {}), ...entries };
    return out;
  };
  const groups = new Map<string, { actions: string[]; conditions?: Conditions }>();
  for (const action of permission.actions) {
    const guard = GUARDED_ACTIONS[action];
    const key = guard ? JSON.stringify(guard) : '';
    const group = groups.get(key) ?? { actions: [], conditions: merge(permission.conditions, guard) };
    group.actions.push(action);
    groups.set(key, group);
  }
  return [...groups.values()].map((group, index) => ({
    Sid: index === 0 ? sid : `${sid}G${index}`,
    Effect: 'Allow',
    Action: group.actions,
    Resource: resources,
    ...(group.conditions ? { Condition: render(group.conditions) } : {}),
  }));
}

export class CaribouStack extends TerraformStack {
  readonly tables = new Map<TableId, DynamodbTable>();
  readonly queues = new Map<ServiceId, SqsQueue>();
  readonly functions = new Map<ServiceId, LambdaFunction>();
  readonly workflowBoundaryArn: string;
  private readonly ops: { alarmTopic: SnsTopic; errorRateThreshold: TerraformVariable; tracingMode: TerraformVariable };

  constructor(scope: Construct, id: string, props: CaribouStackProps) {
    super(scope, id);
    const { prefix, region } = props;
    if (props.stateFile) new LocalBackend(this, { path: props.stateFile });
    else if (props.remoteState) {
      const { bucket, key, region: stateRegion, lockTable } = props.remoteState;
      new S3Backend(this, { bucket, key, region: stateRegion, encrypt: true, ...(lockTable ? { dynamodbTable: lockTable } : {}) });
      // Terraform 1.11's S3-native lock file when no DynamoDB lock table is given.
      if (!lockTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
    }
    // Every resource carries the stack; resources of one service add caribou:service (serviceTags).
    new AwsProvider(this, 'aws', {
      region,
      defaultTags: [{ tags: { 'caribou:stack': prefix, 'caribou:managed-by': 'caribou-terraform' } }],
    });
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    const shared = serviceTags('control-plane');

    const alarmEmail = new TerraformVariable(this, 'alarm_email', {
      type: 'string',
      default: '',
      description:
        'E-mail address subscribed to the alarm topic (empty: no subscription; subscribe anything else to the topic output alarm_topic_arn)',
    });
    const errorRateThreshold = new TerraformVariable(this, 'function_error_rate_threshold_percent', {
      type: 'number',
      default: 5,
      description: 'Alarm when a control-plane function fails more than this share of its invocations in 5 minutes',
    });
    const tracingMode = new TerraformVariable(this, 'tracing_mode', {
      type: 'string',
      default: 'PassThrough',
      description: 'X-Ray tracing of the control-plane functions: PassThrough (off) or Active',
      validation: [
        {
          condition: '${contains(["PassThrough", "Active"], var.tracing_mode)}',
          errorMessage: 'tracing_mode must be PassThrough or Active',
        },
      ],
    });
    const payloadRetentionDays = new TerraformVariable(this, 'payload_retention_days', {
      type: 'number',
      default: 14,
      description: 'Days run payloads passed by reference (payloads/ in the artifacts bucket) are kept',
    });

    const bus = new CloudwatchEventBus(this, 'bus', { name: names.bus(prefix), tags: shared });
    const artifacts = new S3Bucket(this, 'artifacts', {
      bucket: `${prefix}-artifacts-${account}-${region}`,
      forceDestroy: true,
      tags: shared,
    });
    new S3BucketLifecycleConfiguration(this, 'artifacts-lifecycle', {
      bucket: artifacts.id,
      rule: [
        {
          id: 'run-payloads',
          status: 'Enabled',
          filter: [{ prefix: 'payloads/' }],
          expiration: [{ days: payloadRetentionDays.numberValue }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    // The ceiling of every workflow function's role (shared/workflows/boundary.ts): the deployer and
    // the migrator create roles only with it, and IAM lets them create no role without it.
    const boundary = new IamPolicy(this, 'workflow-boundary', {
      name: workflowBoundaryName(prefix),
      description: `Permissions boundary of the workflow functions of Caribou stack ${prefix}`,
      policy: JSON.stringify(
        workflowBoundaryPolicy({
          account,
          stackPrefix: prefix,
          artifactsBucket: `${prefix}-artifacts-${account}-${region}`,
          placementsTable: physicalTableName(prefix, 'placements'),
          extraStatements: props.boundaryExtraStatements,
        }),
      ),
      tags: shared,
    });
    this.workflowBoundaryArn = boundary.arn;
    const alarmTopic = new SnsTopic(this, 'alarms', { name: `${prefix}-alarms`, tags: shared });
    new SnsTopicSubscription(this, 'alarms-email', {
      // min(length(email), 1): one subscription when an address is given.
      count: Token.asNumber(Fn.min([Fn.lengthOf(alarmEmail.stringValue), 1])),
      topicArn: alarmTopic.arn,
      protocol: 'email',
      endpoint: alarmEmail.stringValue,
    });
    this.ops = { alarmTopic, errorRateThreshold, tracingMode };
    const privateBucket = new S3BucketPublicAccessBlock(this, 'artifacts-private', {
      bucket: artifacts.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // Encrypted at rest (SSE-S3, stated rather than left to the account default) and TLS only.
    new S3BucketServerSideEncryptionConfigurationA(this, 'artifacts-encryption', {
      bucket: artifacts.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    if (props.tlsOnlyBucket !== false)
      new S3BucketPolicy(this, 'artifacts-tls-only', {
        bucket: artifacts.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [artifacts.arn, `${artifacts.arn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
        dependsOn: [privateBucket],
      });

    for (const spec of TABLES) {
      const attributes = new Map<string, 'S' | 'N'>();
      for (const key of [spec.hashKey, spec.rangeKey, ...(spec.globalIndexes ?? []).flatMap((i) => [i.hashKey, i.rangeKey])]) {
        if (key) attributes.set(key.name, key.type);
      }
      this.tables.set(
        spec.id,
        new DynamodbTable(this, `table-${spec.id}`, {
          name: physicalTableName(prefix, spec.id),
          billingMode: 'PAY_PER_REQUEST',
          hashKey: spec.hashKey.name,
          rangeKey: spec.rangeKey?.name,
          attribute: [...attributes].map(([name, type]) => ({ name, type })),
          globalSecondaryIndex: spec.globalIndexes?.map((index) => ({
            name: index.name,
            hashKey: index.hashKey.name,
            rangeKey: index.rangeKey?.name,
            projectionType: index.nonKeyAttributes ? 'INCLUDE' : 'ALL',
            nonKeyAttributes: index.nonKeyAttributes,
          })),
          ttl: spec.ttlAttribute ? { attributeName: spec.ttlAttribute, enabled: true } : undefined,
          pointInTimeRecovery: { enabled: true },
          tags: shared,
        }),
      );
    }

    // Rules first: each queue's inline policy names the rules allowed to send to it.
    const rulesOf = new Map<ServiceId, FeedingRule[]>();
    for (const service of SERVICES) {
      const rules: FeedingRule[] = [];
      for (const rule of service.rules) {
        rules.push({
          key: rule.name,
          onCustomBus: true,
          rule: new CloudwatchEventRule(this, `rule-${service.id}-${rule.name}`, {
            name: names.rule(prefix, service.id, rule.name),
            description: rule.description,
            eventBusName: bus.name,
            eventPattern: JSON.stringify(rule.pattern),
            tags: serviceTags(service.id),
          }),
        });
      }
      for (const schedule of service.schedules) {
        // Schedules live on the default bus (EventBridge only evaluates schedule expressions there).
        rules.push({
          key: schedule.name,
          onCustomBus: false,
          input: JSON.stringify(schedule.input),
          rule: new CloudwatchEventRule(this, `schedule-${schedule.name}`, {
            name: names.scheduleRule(prefix, schedule.name),
            description: `Timer ${schedule.name}: sends ${JSON.stringify(schedule.input)} to ${service.id}`,
            scheduleExpression: schedule.expression,
            tags: serviceTags(service.id),
          }),
        });
      }
      rulesOf.set(service.id, rules);
    }

    for (const service of SERVICES) {
      const dlq = new SqsQueue(this, `dlq-${service.id}`, {
        name: names.dlq(prefix, service.id),
        messageRetentionSeconds: 1_209_600,
        sqsManagedSseEnabled: true,
        tags: serviceTags(service.id),
      });
      // Anything in a DLQ is a message the service gave up on: someone should look.
      new CloudwatchMetricAlarm(this, `alarm-dlq-${service.id}`, {
        alarmName: `${names.dlq(prefix, service.id)}-not-empty`,
        alarmDescription: `Messages in ${names.dlq(prefix, service.id)}: ${service.id} failed them ${service.queue.maxReceiveCount} times (redrive them after fixing the cause)`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: names.dlq(prefix, service.id) },
        statistic: 'Maximum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [this.ops.alarmTopic.arn],
        okActions: [this.ops.alarmTopic.arn],
        tags: serviceTags(service.id),
      });
      const rules = rulesOf.get(service.id) ?? [];
      const queueArn = `arn:aws:sqs:${region}:${account}:${names.queue(prefix, service.id)}`;
      const queue = new SqsQueue(this, `queue-${service.id}`, {
        name: names.queue(prefix, service.id),
        visibilityTimeoutSeconds: Math.max(service.queue.visibilityTimeoutS, service.timeoutS * 6),
        messageRetentionSeconds: 345_600,
        sqsManagedSseEnabled: true,
        tags: serviceTags(service.id),
        // Redrive and policy inline: separate resources add ~25 s each to an apply (toolchain-notes).
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: service.queue.maxReceiveCount }),
        policy:
          rules.length === 0
            ? undefined
            : JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'EventBridgeRulesOnly',
                    Effect: 'Allow',
                    Principal: { Service: 'events.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: queueArn,
                    Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.rule.arn) } },
                  },
                ],
              }),
      });
      this.queues.set(service.id, queue);
      for (const { key, rule, onCustomBus, input } of rules) {
        new CloudwatchEventTarget(this, `target-${service.id}-${key}`, {
          rule: rule.name,
          eventBusName: onCustomBus ? bus.name : undefined,
          targetId: `${service.id}-queue`,
          arn: queue.arn,
          input,
        });
      }
    }

    const substitute = (text: string) =>
      text
        .replaceAll('${account}', account)
        .replaceAll('${region}', region)
        .replaceAll('${prefix}', prefix)
        .replaceAll('${workflowBoundary}', boundary.arn);
    const resolve = (ref: ResourceRef): string[] => {
      switch (ref.kind) {
        case 'bus':
          return [bus.arn];
        case 'queue':
          return [this.queues.get(ref.service)!.arn];
        case 'artifacts-bucket':
          return ref.objects ? [`${artifacts.arn}/*`] : [artifacts.arn];
        case 'pattern':
          return [substitute(ref.arn)];
      }
    };

    for (const service of SERVICES) {
      this.addFunction(service, props, { bus, artifacts, account, resolve, substitute });
    }

    new TerraformOutput(this, 'event_bus_name', { value: bus.name });
    new TerraformOutput(this, 'artifacts_bucket', { value: artifacts.bucket });
    new TerraformOutput(this, 'router_function_name', { value: names.function(prefix, 'action-router') });
    new TerraformOutput(this, 'region', { value: region });
    new TerraformOutput(this, 'account_id', { value: account });
    new TerraformOutput(this, 'workflow_boundary_arn', {
      value: boundary.arn,
      description: 'CARIBOU_WORKFLOW_BOUNDARY_ARN for `caribou deploy`',
    });
    new TerraformOutput(this, 'alarm_topic_arn', { value: alarmTopic.arn });
  }

  private addFunction(
    service: ServiceSpec,
    props: CaribouStackProps,
    ctx: {
      bus: CloudwatchEventBus;
      artifacts: S3Bucket;
      account: string;
      resolve: (ref: ResourceRef) => string[];
      substitute: (text: string) => string;
    },
  ): void {
    const { prefix, region } = props;
    const queue = this.queues.get(service.id)!;
    const functionName = names.function(prefix, service.id);
    const logGroup = new CloudwatchLogGroup(this, `logs-${service.id}`, {
      name: names.logGroup(prefix, service.id),
      retentionInDays: props.logRetentionDays ?? 30,
      tags: serviceTags(service.id),
    });
    const role = new IamRole(this, `role-${service.id}`, {
      name: names.role(prefix, service.id),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
      tags: serviceTags(service.id),
    });
    const statements: Statement[] = [
      { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroup.arn}:*`] },
      {
        Sid: 'OwnQueue',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
        Resource: [queue.arn],
      },
    ];
    for (const { id, access } of service.tables) {
      const table = this.tables.get(id)!;
      statements.push({
        Sid: `Table${pascal(id)}`,
        Effect: 'Allow',
        Action: access === 'read' ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS],
        Resource: [table.arn, `${table.arn}/index/*`],
      });
    }
    // X-Ray has no resource-level permissions; used when tracing_mode is Active.
    statements.push({ Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] });
    service.permissions.forEach((permission, index) => {
      statements.push(...permissionStatements(permission, `Extra${index}`, permission.resources.flatMap(ctx.resolve), ctx.substitute));
    });
    new IamRolePolicy(this, `policy-${service.id}`, {
      name: `${functionName}-policy`,
      role: role.id,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });

    const asset = new TerraformAsset(this, `bundle-${service.id}`, {
      path: path.resolve(props.bundleDir, service.id),
      type: AssetType.ARCHIVE,
    });
    const environment: Record<string, string> = {
      CARIBOU_PREFIX: prefix,
      CARIBOU_SYSTEM_REGION: region,
      CARIBOU_SERVICE: service.id,
      CARIBOU_EVENT_BUS_NAME: ctx.bus.name,
      CARIBOU_ARTIFACTS_BUCKET: ctx.artifacts.bucket,
      CARIBOU_ORCHESTRATOR_QUEUE_URL: this.queues.get('orchestrator')!.url,
      CARIBOU_WORKFLOW_BOUNDARY_ARN: this.workflowBoundaryArn,
      ...(props.boundaryExtraStatements?.length ? { [BOUNDARY_EXTRA_ENV]: JSON.stringify(props.boundaryExtraStatements) } : {}),
      POWERTOOLS_SERVICE_NAME: `caribou-${service.id}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    // Only the tables this service may use (IAM grants exactly these).
    for (const { id } of service.tables) environment[TABLES.find((t) => t.id === id)!.envVar] = physicalTableName(prefix, id);
    for (const [name, value] of Object.entries(props.serviceEnvironment?.[service.id] ?? {})) {
      if (name in environment) throw new Error(`serviceEnvironment may not replace ${name} of ${service.id}: the stack sets it`);
      environment[name] = value;
    }
    const fn = new LambdaFunction(this, `function-${service.id}`, {
      functionName,
      description: service.description.slice(0, 256),
      role: role.arn,
      runtime: LAMBDA_NODE_RUNTIME,
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      memorySize: service.memoryMiB,
      timeout: service.timeoutS,
      environment: { variables: environment },
      tracingConfig: { mode: this.ops.tracingMode.stringValue },
      dependsOn: [logGroup],
      tags: serviceTags(service.id),
    });
    this.functions.set(service.id, fn);
    // Error rate, not count: a busy service with a few retried failures is not an incident.
    new CloudwatchMetricAlarm(this, `alarm-errors-${service.id}`, {
      alarmName: `${functionName}-error-rate`,
      alarmDescription: `${functionName} failed more than the threshold share of its invocations in 5 minutes`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: this.ops.errorRateThreshold.numberValue,
      evaluationPeriods: 1,
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'errors',
          returnData: false,
          metric: { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: functionName }, period: 300, stat: 'Sum' },
        },
        {
          id: 'invocations',
          returnData: false,
          metric: {
            namespace: 'AWS/Lambda',
            metricName: 'Invocations',
            dimensions: { FunctionName: functionName },
            period: 300,
            stat: 'Sum',
          },
        },
        { id: 'rate', returnData: true, label: 'error rate (%)', expression: '100 * errors / MAX([errors, invocations])' },
      ],
      alarmActions: [this.ops.alarmTopic.arn],
      okActions: [this.ops.alarmTopic.arn],
      tags: serviceTags(service.id),
    });
    new LambdaEventSourceMapping(this, `mapping-${service.id}`, {
      functionName: fn.functionName,
      eventSourceArn: queue.arn,
      batchSize: service.queue.batchSize,
      maximumBatchingWindowInSeconds: service.queue.maximumBatchingWindowS,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: service.queue.maximumConcurrency },
    });
  }
}

/** The per-resource tag naming the service (the provider's default_tags add caribou:stack). */
function serviceTags(service: ServiceId | 'control-plane'): Record<string, string> {
  return { 'caribou:service': service };
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}
