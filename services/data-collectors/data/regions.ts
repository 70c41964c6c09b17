// The region table lives in shared/aws/regions.ts (one list of AWS region codes for the collectors,
// the static analysis and the CLI); re-exported here so the collectors' imports stay put.
export * from '../../../shared/aws/regions.js';
