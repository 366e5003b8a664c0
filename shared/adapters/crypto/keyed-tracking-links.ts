// Tracking tokens as a keyed hash of the request id, made with the phone look-up key (KMS HMAC in AWS, the local key
// locally): every function that dispatches already holds that key, and a database leak (ids, token hashes) still
// hands out no token.
import { trackingTokenMatches } from '#shared/domain/tracking.js';
import type { PhoneProtection } from '#shared/ports/phone-protection.js';
import type { TrackingLinks } from '#shared/ports/tracking-links.js';

// A phone look-up hashes an E.164 number ("+44…"); this prefix can never be one, so the two uses never share an input.
const purpose = 'tracking-token:v1:';

export class KeyedTrackingLinks implements TrackingLinks {
  constructor(
    private readonly hasher: Pick<PhoneProtection, 'lookupHash'>,
    private readonly publicBaseUrl: string,
  ) {}

  async tokenFor(requestId: string): Promise<string> {
    const mac = await this.hasher.lookupHash(`${purpose}${requestId}`);
    // 192 bits, 32 URL-safe characters: the shape of the random tokens issued before.
    return Buffer.from(mac, 'hex').subarray(0, 24).toString('base64url');
  }

  async linkFor(request: { id: string; reference: string; trackingTokenHash: string }): Promise<string | undefined> {
    const token = await this.tokenFor(request.id);
    if (!trackingTokenMatches(token, request.trackingTokenHash)) return undefined;
    return `${this.publicBaseUrl}/t/${request.reference}#${token}`;
  }
}
