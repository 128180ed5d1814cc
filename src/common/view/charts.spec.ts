import { bar, CHART_COLORS, donut } from './charts';

describe('donut', () => {
  it('draws each non-empty slice as its share of 100, clockwise from the top, and says every number', () => {
    const chart = donut(
      [
        { label: 'Protected', value: 2, color: 'green' },
        { label: 'At risk', value: 0, color: 'yellow' },
        { label: 'Unprotected', value: 2, color: 'red' },
      ],
      'Devices',
    );
    expect(chart.total).toBe(4);
    expect(chart.segments).toEqual([
      { label: 'Protected', stroke: CHART_COLORS.green, dasharray: '50 50', dashoffset: 25 },
      { label: 'Unprotected', stroke: CHART_COLORS.red, dasharray: '50 50', dashoffset: -25 },
    ]);
    expect(chart.title).toBe('Devices: 2 protected, 0 at risk, 2 unprotected');
  });

  it('draws no slice when every value is zero', () => {
    expect(donut([{ label: 'Protected', value: 0, color: 'green' }], 'Devices').segments).toEqual([]);
  });
});

describe('bar', () => {
  it('fills its share, yellow from 80% and red when full, never past the track', () => {
    expect(bar(3, 5, 'x')).toMatchObject({ width: 60, fill: CHART_COLORS.green });
    expect(bar(4, 5, 'x')).toMatchObject({ width: 80, fill: CHART_COLORS.yellow });
    expect(bar(6, 5, 'x')).toMatchObject({ width: 100, fill: CHART_COLORS.red });
    expect(bar(0, 0, 'x')).toMatchObject({ width: 0 });
  });
});
