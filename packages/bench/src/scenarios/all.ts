import { crashScenario } from './crash.js';
import { exportScenario } from './export.js';
import { fanoutScenario } from './fanout.js';
import { feedScenario } from './feed.js';
import { mixScenario } from './mix.js';
import { postScenario } from './post.js';
import type { ScenarioDefinition } from './registry.js';
import { sustainedScenario } from './sustained.js';
import { wsScenario } from './ws.js';

/** Every scenario `tweeter bench` knows, by name. */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  fanoutScenario,
  feedScenario,
  postScenario,
  sustainedScenario,
  mixScenario,
  wsScenario,
  crashScenario,
  exportScenario,
];
