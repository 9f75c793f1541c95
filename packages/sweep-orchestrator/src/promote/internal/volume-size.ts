import type { Registry } from '@canon/warm-registry';
import type { StepContext } from './promote-steps.js';
import { runStep } from './promote-steps.js';

/**
 * `volumeSize` after a promotion that already stands: its bytes are recorded for the disk
 * budget, and any failure is a warning pushed onto `warnings`, never a failed promote.
 */
export async function measureVolume(opts: {
  registry: Registry;
  recipe: string;
  ctx: StepContext;
  warnings: string[];
  onPhase?: ((phase: string) => void) | undefined;
}): Promise<number | null> {
  const { ctx, warnings } = opts;
  if (ctx.spec.volumeSize === null) return null;
  opts.onPhase?.('promote:volume-size');
  const size = await runStep(ctx, 'volumeSize', ctx.spec.volumeSize, true);
  if (!size.ok) {
    warnings.push(`volumeSize failed: ${size.failure.detail}`);
    return null;
  }
  const printed = size.result.stdout.trim();
  if (!/^\d+$/.test(printed)) {
    warnings.push(`volumeSize printed "${printed.slice(0, 80)}", not a number of bytes`);
    return null;
  }
  const bytes = Number(printed);
  await opts.registry.recordVolumeBytes(opts.recipe, bytes).catch((error: unknown) => warnings.push(`could not record the volume size: ${(error as Error).message}`));
  return bytes;
}
