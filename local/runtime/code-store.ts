// Finds a function's code by its CodeSha256 (base64 SHA-256 of the deployment zip, which moto
// computes like Lambda) among the zips the runtime knows: registered folders (the synthesized
// stack's assets), zips passed through the runtime's Lambda API (CreateFunction /
// UpdateFunctionCode with ZipFile) and objects in the S3 buckets of the emulator (where the
// workflow deployer uploads its artifacts). Extracted once per hash into `<root>/<hex>/`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from '../../shared/errors.js';

export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

const hexOf = (sha: string) => Buffer.from(sha, 'base64').toString('hex');

export interface CodeStoreOptions {
  /** Where zips are extracted. */
  root: string;
  /** node_modules providing `@aws-sdk/*`, as the Node.js Lambda runtime does. */
  runtimeNodeModules: string;
  s3?: () => S3Client;
}

export class CodeStore {
  private readonly zips = new Map<string, { bytes?: Uint8Array; file?: string }>();
  private readonly scannedFiles = new Map<string, string>(); // path:size:mtime → sha
  private readonly scannedObjects = new Map<string, string>(); // bucket/key/etag → sha
  private readonly dirs = new Set<string>();

  constructor(private readonly options: CodeStoreOptions) {
    mkdirSync(options.root, { recursive: true });
  }

  registerZip(zip: Uint8Array): string {
    const sha = codeSha256(zip);
    if (!this.zips.has(sha)) this.zips.set(sha, { bytes: zip });
    return sha;
  }

  registerDir(dir: string): void {
    this.dirs.add(path.resolve(dir));
  }

  get knownDirs(): string[] {
    return [...this.dirs];
  }

  /** Hashes new zips of the registered folders, keeping a copy of each: a later synth may
   * overwrite an asset while functions still run the code it had. */
  scanDirs(): void {
    const walk = (dir: string, depth: number) => {
      if (depth > 6 || !existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full, depth + 1);
        else if (entry.name.endsWith('.zip')) {
          const st = statSync(full);
          const key = `${full}:${st.size}:${st.mtimeMs}`;
          if (this.scannedFiles.has(key)) continue;
          const bytes = readFileSync(full);
          const sha = codeSha256(bytes);
          this.scannedFiles.set(key, sha);
          if (!this.zips.has(sha)) {
            const kept = path.join(this.options.root, 'zips', `${hexOf(sha)}.zip`);
            mkdirSync(path.dirname(kept), { recursive: true });
            if (!existsSync(kept)) writeFileSync(kept, bytes);
            this.zips.set(sha, { file: kept });
          }
        }
      }
    };
    for (const dir of this.dirs) walk(dir, 0);
  }

  /** Registers the object a CreateFunction / UpdateFunctionCode named (S3Bucket + S3Key). */
  async registerS3Object(bucket: string, key: string): Promise<string | undefined> {
    const s3 = this.options.s3?.();
    if (!s3) return undefined;
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await body.Body!.transformToByteArray();
    this.scannedObjects.set(`${bucket}/${key}/${body.ETag}`, codeSha256(bytes));
    return this.registerZip(bytes);
  }

  private async scanS3(wanted: string): Promise<boolean> {
    const s3 = this.options.s3?.();
    if (!s3) return false;
    const candidates: { bucket: string; key: string; etag: string }[] = [];
    for (const bucket of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket.Name, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          // Lambda zips are at most 50 MB zipped (direct upload) / 250 MB unzipped.
          if (!object.Key || (object.Size ?? 0) > 70 * 1024 * 1024) continue;
          if (this.scannedObjects.has(`${bucket.Name}/${object.Key}/${object.ETag}`)) continue;
          candidates.push({ bucket: bucket.Name!, key: object.Key, etag: object.ETag ?? '' });
        }
        token = page.NextContinuationToken;
      } while (token);
    }
    // Objects named *.zip first: the usual artifact; anything else only if that found nothing.
    candidates.sort((a, b) => Number(b.key.endsWith('.zip')) - Number(a.key.endsWith('.zip')));
    for (const { bucket, key, etag } of candidates) {
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await body.Body!.transformToByteArray();
      const sha = codeSha256(bytes);
      this.scannedObjects.set(`${bucket}/${key}/${etag}`, sha);
      if (bytes[0] === 0x50 && bytes[1] === 0x4b && !this.zips.has(sha)) this.zips.set(sha, { bytes });
      if (sha === wanted) return true;
    }
    return false;
  }

  /** The folder holding the extracted code of `sha` (extracting it on first use). */
  async resolve(sha: string): Promise<string> {
    const dir = path.join(this.options.root, hexOf(sha));
    if (existsSync(path.join(dir, '.caribou-complete'))) return dir;
    if (!this.zips.has(sha)) this.scanDirs();
    if (!this.zips.has(sha)) await this.scanS3(sha);
    const source = this.zips.get(sha);
    if (!source) {
      throw new NotFoundError(
        `no deployment package with CodeSha256 ${sha}: looked in ${[...this.dirs].join(', ') || '(no folders)'}, ` +
          "zips uploaded through the runtime's Lambda API and the emulator's S3 buckets",
      );
    }
    const bytes = source.bytes ?? readFileSync(source.file!);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    rmSync(tmp, { recursive: true, force: true });
    for (const [name, content] of Object.entries(unzipSync(bytes))) {
      const target = path.join(tmp, name);
      if (!target.startsWith(tmp + path.sep)) continue; // zip-slip
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    mkdirSync(tmp, { recursive: true });
    // The Node.js Lambda runtime provides the AWS SDK v3 to bundles that keep it external.
    const sdk = path.join(tmp, 'node_modules', '@aws-sdk');
    if (!existsSync(sdk)) {
      mkdirSync(path.dirname(sdk), { recursive: true });
      symlinkSync(path.join(this.options.runtimeNodeModules, '@aws-sdk'), sdk, 'dir');
    }
    writeFileSync(path.join(tmp, '.caribou-complete'), sha);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  }
}
