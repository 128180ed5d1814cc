import { priorityOf } from './priority';

describe('priorityOf (urgency × impact)', () => {
  it('maps each pair to P1–P4', () => {
    expect(priorityOf('high', 'high')).toBe(1);
    expect(priorityOf('high', 'normal')).toBe(2);
    expect(priorityOf('normal', 'high')).toBe(2);
    expect(priorityOf('normal', 'normal')).toBe(3);
    expect(priorityOf('high', 'low')).toBe(3);
    expect(priorityOf('low', 'normal')).toBe(4);
    expect(priorityOf('low', 'low')).toBe(4);
  });
});
