// A Secret's data is base64: these read a key as text and encode text for it, in one place.
import type { Secret } from './resources.js';

/** The key's value as UTF-8 text; '' when the Secret or the key is missing. */
export function secretText(secret: Secret | undefined, key: string): string {
  const value = secret?.data?.[key];
  return value ? Buffer.from(value, 'base64').toString('utf8') : '';
}

/** Text as a Secret's data value. */
export function secretValue(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
