import { describe, expect, it } from 'vitest';
import { cookieValue, presentedApiKey } from './presentedKey.ts';

describe('the presented API key', () => {
  it('is read from Authorization: Bearer first, then x-api-key, then the session cookie', () => {
    const all = {
      authorization: 'Bearer from-bearer',
      'x-api-key': 'from-header',
      cookie: 'trackops_api_key=c',
    };
    expect(presentedApiKey(all)).toBe('from-bearer');
    expect(presentedApiKey({ ...all, authorization: undefined })).toBe('from-header');
    expect(presentedApiKey({ cookie: all.cookie })).toBe('c');
    expect(presentedApiKey({})).toBeUndefined();
  });

  it('takes the scheme in any case, and ignores other schemes and empty values', () => {
    expect(presentedApiKey({ authorization: 'bearer  tko_abc ' })).toBe('tko_abc');
    expect(presentedApiKey({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'k' })).toBe('k');
    expect(presentedApiKey({ authorization: 'Bearer ', 'x-api-key': '  ' })).toBeUndefined();
  });

  it('finds its cookie among others, percent-decoded', () => {
    expect(cookieValue('a=1; trackops_api_key=tko_x%2Dy; b=2', 'trackops_api_key')).toBe('tko_x-y');
    expect(cookieValue('trackops_api_key_old=1', 'trackops_api_key')).toBeUndefined();
    expect(cookieValue('trackops_api_key=%E0%A4%A', 'trackops_api_key')).toBe('%E0%A4%A');
  });
});
