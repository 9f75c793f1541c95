export { runDemo } from './demo.js';
export type { DemoOptions, DemoResult } from './demo.js';
export { DEMO_RECIPES } from './fleet-plan.js';
export type { DemoOutcome, DemoRecipe } from './fleet-plan.js';
export { createUi } from './ui.js';
export type { Ui } from './ui.js';
