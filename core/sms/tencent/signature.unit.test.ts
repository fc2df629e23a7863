import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../pii/encoding.ts';
import { signTc3, tc3CanonicalRequest, tc3Date, tc3SignatureWithKey, tc3SigningKey, tc3StringToSign } from './signature.ts';

// Tencent Cloud API 3.0 "签名方法 v3" (Signature v3) worked example: CVM DescribeInstances in
// ap-guangzhou, POST https://cvm.tencentcloudapi.com/, X-TC-Timestamp 1551113065, this exact payload.
const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';

describe('Tencent Cloud TC3-HMAC-SHA256', () => {
  it('current edition (content-type;host;x-tc-action): canonical request, string to sign, derived keys, signature', async () => {
    const request = {
      method: 'POST' as const,
      host: 'cvm.tencentcloudapi.com',
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-TC-Action': 'DescribeInstances' },
      payload,
      service: 'cvm',
      timestamp: 1551113065,
    };
    const { canonicalRequest, signedHeaders } = await tc3CanonicalRequest(request);
    expect(canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signedHeaders).toBe('content-type;host;x-tc-action');
    const stringToSign = await tc3StringToSign(canonicalRequest, 1551113065, 'cvm');
    expect(stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
    // This edition masks the SecretKey but publishes the derived SecretSigning key
    // (b596b923…f5af) and the signature made with it.
    const signingKey = hexToBytes('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af');
    expect(await tc3SignatureWithKey(signingKey, stringToSign)).toBe('10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
  });

  it('earlier edition (content-type;host) with its published SecretId/SecretKey: the whole chain from the secret', async () => {
    // The earlier edition of the same page printed the key pair as these literal strings, asterisks included.
    const signed = await signTc3(
      {
        method: 'POST',
        host: 'cvm.tencentcloudapi.com',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        payload,
        service: 'cvm',
        timestamp: 1551113065,
      },
      { secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******', secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******' },
    );
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.stringToSign).toBe('TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });

  it('takes the credential date in UTC (00:44 Beijing time on the 26th is still the 25th)', async () => {
    expect(tc3Date(1551113065)).toBe('2019-02-25');
    expect(await tc3SigningKey('k', '2019-02-25', 'sms')).toHaveLength(32);
  });
});
