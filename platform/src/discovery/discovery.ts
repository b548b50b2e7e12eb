import { peerUrlVariable } from '../manifest/manifest';

/**
 * Finds a peer's base URL by service name. Locally and in tests the URLs come from
 * `<PEER>_SERVICE_URL`; in AWS a Cloud Map implementation sits behind the same interface.
 */
export interface Discovery {
  resolve(service: string): Promise<string>;
}

export class StaticDiscovery implements Discovery {
  constructor(private readonly urls: Record<string, string>) {}

  async resolve(service: string): Promise<string> {
    const url = this.urls[service];
    if (!url) throw new Error(`No URL configured for ${service}; set ${peerUrlVariable(service)}.`);
    return url.replace(/\/+$/, '');
  }
}
