import { safeNextPath } from './safe-redirect';

describe('safeNextPath', () => {
  it.each(['/account', '/admin/organizations?q=a'])('keeps the local path %s', (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '/x\r\nSet-Cookie:a',
    '/login',
    42,
    undefined,
  ])('refuses %p', (path) => {
    expect(safeNextPath(path)).toBe('/dashboard');
  });
});
