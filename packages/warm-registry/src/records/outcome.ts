import { OUTCOMES, type Outcome } from '@canon/promote-gate';
import { z } from 'zod';

export const outcomeSchema = z.enum(
  OUTCOMES as readonly Outcome[] as readonly [Outcome, ...Outcome[]],
);
