// The control-plane stack, synthesized from the service manifest and the table list. Resources are
// imported by deep path (the provider's package root loads 2,212 modules). The same synthesized
// Terraform applies to AWS and to local mode: the provider honours AWS_ENDPOINT_URL.
import path from 'node:path';
import { Construct } from 'constructs';
import { AssetType, Fn, LocalBackend, TerraformAsset, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus/index.js';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
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
import { SERVICES, names, type ResourceRef, type ServiceId, type ServiceSpec } from './manifest.js';
import { TABLES, physicalTableName, type TableId } from './tables.js';

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
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'];

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

export class CaribouStack extends TerraformStack {
  readonly tables = new Map<TableId, DynamodbTable>();
  readonly queues = new Map<ServiceId, SqsQueue>();
  readonly functions = new Map<ServiceId, LambdaFunction>();

  constructor(scope: Construct, id: string, props: CaribouStackProps) {
    super(scope, id);
    const { prefix, region } = props;
    if (props.stateFile) new LocalBackend(this, { path: props.stateFile });
    new AwsProvider(this, 'aws', { region, defaultTags: [{ tags: { 'caribou:stack': prefix } }] });
    const account = new DataAwsCallerIdentity(this, 'account').accountId;

    const bus = new CloudwatchEventBus(this, 'bus', { name: names.bus(prefix) });
    const artifacts = new S3Bucket(this, 'artifacts', {
      bucket: `${prefix}-artifacts-${account}-${region}`,
      forceDestroy: true,
    });
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
      });
      const rules = rulesOf.get(service.id) ?? [];
      const queueArn = `arn:aws:sqs:${region}:${account}:${names.queue(prefix, service.id)}`;
      const queue = new SqsQueue(this, `queue-${service.id}`, {
        name: names.queue(prefix, service.id),
        visibilityTimeoutSeconds: Math.max(service.queue.visibilityTimeoutS, service.timeoutS * 6),
        messageRetentionSeconds: 345_600,
        sqsManagedSseEnabled: true,
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

    const resolve = (ref: ResourceRef): string[] => {
      switch (ref.kind) {
        case 'bus':
          return [bus.arn];
        case 'queue':
          return [this.queues.get(ref.service)!.arn];
        case 'artifacts-bucket':
          return ref.objects ? [`${artifacts.arn}/*`] : [artifacts.arn];
        case 'pattern':
          return [ref.arn.replaceAll('${account}', account).replaceAll('${region}', region).replaceAll('${prefix}', prefix)];
      }
    };

    for (const service of SERVICES) {
      this.addFunction(service, props, { bus, artifacts, account, resolve });
    }

    new TerraformOutput(this, 'event_bus_name', { value: bus.name });
    new TerraformOutput(this, 'artifacts_bucket', { value: artifacts.bucket });
    new TerraformOutput(this, 'router_function_name', { value: names.function(prefix, 'action-router') });
    new TerraformOutput(this, 'region', { value: region });
  }

  private addFunction(
    service: ServiceSpec,
    props: CaribouStackProps,
    ctx: { bus: CloudwatchEventBus; artifacts: S3Bucket; account: string; resolve: (ref: ResourceRef) => string[] },
  ): void {
    const { prefix, region } = props;
    const queue = this.queues.get(service.id)!;
    const functionName = names.function(prefix, service.id);
    const logGroup = new CloudwatchLogGroup(this, `logs-${service.id}`, {
      name: names.logGroup(prefix, service.id),
      retentionInDays: props.logRetentionDays ?? 30,
    });
    const role = new IamRole(this, `role-${service.id}`, {
      name: names.role(prefix, service.id),
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
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
    service.permissions.forEach((permission, index) => {
      statements.push({ Sid: `Extra${index}`, Effect: 'Allow', Action: permission.actions, Resource: permission.resources.flatMap(ctx.resolve) });
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
      POWERTOOLS_SERVICE_NAME: `caribou-${service.id}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    // Only the tables this service may use (IAM grants exactly these).
    for (const { id } of service.tables) environment[TABLES.find((t) => t.id === id)!.envVar] = physicalTableName(prefix, id);
    const fn = new LambdaFunction(this, `function-${service.id}`, {
      functionName,
      description: service.description.slice(0, 256),
      role: role.arn,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      memorySize: service.memoryMiB,
      timeout: service.timeoutS,
      environment: { variables: environment },
      dependsOn: [logGroup],
    });
    this.functions.set(service.id, fn);
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

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}
