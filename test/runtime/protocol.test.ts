/** Agent protocol schemas refuse what the probe slipped through (issue 17 item 7). */
import { describe, expect, it } from 'vitest';
import { DeployRequestSchema } from '../../runtime/protocol/index.js';

const deploy = { instanceId: 'a', service: 's', kind: 'llm', model: 'lm-tiny' } as const;

describe('protocol › deploy', () => {
  it('stage.index ≥ stage.of is refused with a message; index < of is accepted', () => {
    const bad = DeployRequestSchema.safeParse({ ...deploy, stage: { index: 2, of: 2 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('stage.index must be below stage.of (stages count from 0)');
    expect(DeployRequestSchema.safeParse({ ...deploy, stage: { index: 1, of: 2 } }).success).toBe(true);
  });
});
