import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { edgeHeaders } from './edge-headers.js';

const exposedHeaders = ['X-Request-Id', 'X-Cache'];

describe('edgeHeaders', () => {
  it("carries helmet's headers and CSP, as app.useSecurityHeaders() sends them", () => {
    const headers = edgeHeaders({}, { origins: true, exposedHeaders })({});
    expect(headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(headers['Content-Security-Policy']).toContain("script-src 'self'");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Strict-Transport-Security']).toContain('max-age=');
    expect(headers['X-Powered-By']).toBeUndefined();
  });

  it('allows the configured origins only, and says the answer varies by origin', () => {
    const headersFor = edgeHeaders({}, { origins: ['https://app.example'], exposedHeaders });
    expect(headersFor({ origin: 'https://app.example' })).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-expose-headers': 'X-Request-Id, X-Cache',
      vary: 'Origin',
    });
    const other = headersFor({ origin: 'https://evil.example' });
    expect(other['access-control-allow-origin']).toBeUndefined();
    expect(other.vary).toBe('Origin');
  });

  it('reflects any origin when every origin is allowed', () => {
    const headersFor = edgeHeaders({}, { origins: true, exposedHeaders });
    expect(headersFor({ origin: 'https://a.example' })['access-control-allow-origin']).toBe(
      'https://a.example',
    );
    expect(headersFor({})['access-control-allow-origin']).toBeUndefined();
  });
});
