import { describe, expect, it } from 'vitest';
import { modelledAaRate, studentTCritical } from '../../scripts/gate/aa-rate-model.js';
import { studentTUpperTail } from '../../src/report/student-t.js';

const FLOOR = Math.log(1.05);

describe('studentTCritical', () => {
  it('inverts the upper tail: 15 degrees of freedom, p = 0.0025 and 0.025', () => {
    expect(studentTCritical(0.0025, 15)).toBeCloseTo(3.286, 3);
    expect(studentTCritical(0.025, 15)).toBeCloseTo(2.131, 3);
    expect(studentTUpperTail(studentTCritical(0.005, 7), 7)).toBeCloseTo(0.005, 12);
  });
});

describe('modelledAaRate', () => {
  const calibrated = { rounds: 16, roundSd: 0.1, decisionSd: 0.1 / 4, level: 0.0025 };

  it('is the t test level itself when decisions spread as their rounds predict and there is no floor', () => {
    expect(modelledAaRate({ ...calibrated, floorLog: 0 })).toBeCloseTo(0.0025, 7);
    expect(modelledAaRate({ ...calibrated, level: 0.01, floorLog: 0 })).toBeCloseTo(0.01, 7);
  });

  it('is lowered by the floor, and raised by a spread the rounds do not predict', () => {
    const withFloor = modelledAaRate({ ...calibrated, floorLog: FLOOR });
    expect(withFloor).toBeLessThan(0.0025);
    // Like pgvector's vector k=4 in 20 decisions of all four workloads (README "CI regression gate");
    // at round SD 0.105 a Monte Carlo of the same model (400 000 decisions) gave 3.16%, this integral 3.15%.
    expect(modelledAaRate({ rounds: 16, roundSd: 0.104, decisionSd: 0.043, floorLog: FLOOR, level: 0.0025 })).toBeCloseTo(0.0326, 4);
  });

  it('is 0 when the floor is far above any spread', () => {
    expect(modelledAaRate({ ...calibrated, floorLog: Math.log(2) })).toBeLessThan(1e-12);
  });
});
