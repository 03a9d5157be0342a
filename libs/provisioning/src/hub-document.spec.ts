import { loadConfig } from '@app/config';
import { hubOwnDocument } from './hub-document.js';

describe(hubOwnDocument.name, () => {
  const httpsEndpoint = (env: Record<string, string>) =>
    hubOwnDocument(loadConfig(env)).connectivity?.provisioningEndpoints?.endpoint?.find((e) => e.method === 'https')?.value;

  it('should publish the provisioning endpoint under HUB_PUBLIC_BASE_URL', () => {
    expect(httpsEndpoint({ HUB_DOMAIN: 'hub.example.net', HUB_PUBLIC_BASE_URL: 'http://127.0.0.1:3000/' })).toBe(
      'http://127.0.0.1:3000/.well-known/pres-im-provisioning',
    );
  });

  it('should default the endpoint to https on the hub domain', () => {
    expect(httpsEndpoint({ HUB_DOMAIN: 'hub.example.net' })).toBe('https://hub.example.net/.well-known/pres-im-provisioning');
  });
});
