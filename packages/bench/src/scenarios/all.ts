import { blockScenario } from './block.js';
import { cardsScenario } from './cards.js';
import { crashScenario } from './crash.js';
import { deleteAccountScenario } from './delete-account.js';
import { exportScenario } from './export.js';
import { fanoutScenario } from './fanout.js';
import { feedScenario } from './feed.js';
import { feedMixScenario } from './feed-mix.js';
import { mediaScenario } from './media.js';
import { mixScenario } from './mix.js';
import { searchPeopleScenario, suggestionsScenario } from './people.js';
import { notificationsScenario } from './notifications.js';
import { postScenario } from './post.js';
import { repostScenario } from './repost.js';
import type { ScenarioDefinition } from './registry.js';
import { searchStatusesScenario } from './search-statuses.js';
import { sustainedScenario } from './sustained.js';
import { threadContextScenario } from './thread-context.js';
import { writerScenario } from './writer.js';
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
  blockScenario,
  cardsScenario,
  deleteAccountScenario,
  mediaScenario,
  exportScenario,
  searchStatusesScenario,
  repostScenario,
  feedMixScenario,
  searchPeopleScenario,
  suggestionsScenario,
  notificationsScenario,
  threadContextScenario,
  writerScenario,
];
