import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ArtifactNotFoundError, type ArtifactStore } from './artifact-store.js';
import { joinKey, validateKey, validatePrefix } from './keys.js';

/** Objects above one part go through multipart upload; 8 MiB keeps memory per upload small. */
export const MULTIPART_PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per upload: memory is about this times the part size. */
const UPLOAD_QUEUE_SIZE = 4;

/** Where an S3-compatible server is; a field left out falls back to the environment. */
export interface S3Connection {
  /** `SFE_S3_ENDPOINT`, e.g. http://127.0.0.1:7070; absent means AWS itself. */
  endpoint?: string;
  /** `AWS_REGION`, default us-east-1. */
  region?: string;
  /** `AWS_ACCESS_KEY_ID`; absent means the SDK's default credential chain. */
  accessKeyId?: string;
  /** `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: string;
}

export function createS3Client(
  connection: S3Connection = {},
  env: NodeJS.ProcessEnv = process.env,
): S3Client {
  const endpoint = connection.endpoint ?? env.SFE_S3_ENDPOINT;
  const accessKeyId = connection.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = connection.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new Error(
      'S3 credentials are incomplete: give both an access key id and a secret access key ' +
        '(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or neither',
    );
  }
  return new S3Client({
    ...(endpoint === undefined ? {} : { endpoint }),
    region: connection.region ?? env.AWS_REGION ?? 'us-east-1',
    // S3-compatible servers on a bare host:port cannot serve virtual-host-style bucket names.
    forcePathStyle: true,
    // Newer SDKs add CRC checksums by default, which S3-compatible servers may reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey } }
      : {}),
  });
}

/** Creates `bucket` unless it exists already. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    // A concurrent creator won the race; the bucket is there, which is all we need.
    if (errorName(error) !== 'BucketAlreadyOwnedByYou') throw error;
  }
}

/** An `ArtifactStore` over one bucket, with every key below an optional key prefix. */
export class S3Store implements ArtifactStore {
  readonly uri: string;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly rootPrefix = '',
  ) {
    if (rootPrefix !== '') validateKey(rootPrefix);
    this.uri = `s3://${bucket}${rootPrefix === '' ? '' : `/${rootPrefix}`}`;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    if (data.byteLength > MULTIPART_PART_SIZE) {
      await this.upload(key, data);
      return;
    }
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: data }),
    );
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      Body: data,
      IfNoneMatch: '*',
    });
    for (let attempt = 0; ; attempt++) {
      try {
        const { ETag } = await this.client.send(command);
        return await this.stillOurs(key, ETag);
      } catch (error) {
        if (httpStatus(error) === 412) return false;
        // 409: another conditional write to this key is in flight; its outcome decides ours.
        if (httpStatus(error) !== 409 || attempt >= 5) throw error;
        await sleep(50 * 2 ** attempt);
      }
    }
  }

  /**
   * AWS S3 evaluates If-None-Match atomically, but some S3-compatible servers (versitygw 1.7)
   * check it before the write and let the last of simultaneous writers win. Reading the ETag
   * back makes a writer whose object was replaced that way report that it lost; it narrows the
   * race on such servers to the moment between a write and its read-back.
   */
  private async stillOurs(key: string, etag: string | undefined): Promise<boolean> {
    if (etag === undefined) return true;
    const head = await this.client.send(
      new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
    );
    return head.ETag === etag;
  }

  async putStream(key: string, stream: Readable): Promise<void> {
    await this.upload(key, stream);
  }

  async get(key: string): Promise<Uint8Array> {
    const body = await this.getBody(key);
    return body.transformToByteArray();
  }

  async getStream(key: string): Promise<Readable> {
    const body = await this.getBody(key);
    if (!(body instanceof Readable)) {
      throw new Error(`S3 returned a non-Node stream for ${key} in ${this.uri}`);
    }
    return body;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const root = this.rootPrefix === '' ? '' : `${this.rootPrefix}/`;
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: root + prefix,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        // Folder markers ("a/") that some tools create are not objects of ours.
        if (object.Key !== undefined && !object.Key.endsWith('/')) {
          keys.push(object.Key.slice(root.length));
        }
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
    );
  }

  private objectKey(key: string): string {
    validateKey(key);
    return joinKey(this.rootPrefix, key);
  }

  private async upload(key: string, body: Uint8Array | Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: body },
      partSize: MULTIPART_PART_SIZE,
      queueSize: UPLOAD_QUEUE_SIZE,
      // Abort the multipart upload on failure so no orphaned parts linger on the server.
      leavePartsOnError: false,
    });
    await upload.done();
  }

  private async getBody(key: string) {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (response.Body === undefined) throw new Error(`S3 returned no body for ${key}`);
      return response.Body;
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactNotFoundError(key, this.uri);
      throw error;
    }
  }
}

/** A missing object (or, for HeadBucket, a missing bucket); a missing bucket on GET is an error. */
function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(error) === 404;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}
