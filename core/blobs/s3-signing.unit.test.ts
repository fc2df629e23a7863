import { AwsClient } from 'aws4fetch';
import { describe, expect, it } from 'vitest';

// AWS, Amazon S3 API Reference, "Signature Calculations for the Authorization Header: Transferring
// Payload in a Single Chunk (AWS Signature Version 4)", section "Examples: Signature Calculations":
// access key AKIAIOSFODNN7EXAMPLE, secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z,
// us-east-1, bucket examplebucket. This proves the SigV4 the S3 blob store relies on (aws4fetch).
const aws = new AwsClient({
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  service: 's3',
  region: 'us-east-1',
});
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const datetime = '20130524T000000Z';

describe('SigV4 (aws4fetch) against the published S3 examples', () => {
  it('PUT Object (payload signed, Date and x-amz-storage-class headers, $ in the key)', async () => {
    const signed = await aws.sign('https://examplebucket.s3.amazonaws.com/test$file.text', {
      method: 'PUT',
      headers: {
        Date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
      },
      body: 'Welcome to Amazon S3.',
      aws: { datetime },
    });
    expect(signed.headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    );
  });

  it('GET Bucket Lifecycle (a query parameter without a value)', async () => {
    const signed = await aws.sign('https://examplebucket.s3.amazonaws.com/?lifecycle', {
      method: 'GET',
      headers: { 'x-amz-content-sha256': EMPTY },
      aws: { datetime },
    });
    expect(signed.headers.get('authorization')).toMatch(/Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543$/);
  });

  it('GET Bucket (List Objects) (query parameters sorted)', async () => {
    const signed = await aws.sign('https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2', {
      method: 'GET',
      headers: { 'x-amz-content-sha256': EMPTY },
      aws: { datetime },
    });
    expect(signed.headers.get('authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });
});
