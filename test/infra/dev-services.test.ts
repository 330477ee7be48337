import assert from 'node:assert/strict';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
import { s3TestEndpoint, temporalTestAddress } from '../setup/services.js';

describe('dev services', () => {
  it('versitygw answers S3 calls with the per-run credentials', async () => {
    const s3 = await s3TestEndpoint();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'dev-services-check' }));
    const listed = await client.send(new ListBucketsCommand({}));
    assert.ok(listed.Buckets?.some((b) => b.Name === 'dev-services-check'));
    client.destroy();
  });

  it('rejects requests signed with other credentials', async () => {
    const s3 = await s3TestEndpoint();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'someone-else', secretAccessKey: 'wrong' },
    });
    await assert.rejects(client.send(new ListBucketsCommand({})));
    client.destroy();
  });

  it('the Temporal dev server answers on its gRPC address', async () => {
    const connection = await Connection.connect({ address: await temporalTestAddress() });
    const info = await connection.workflowService.getSystemInfo({});
    assert.ok(info.capabilities, 'system info carries the server capabilities');
    await connection.close();
  });
});
