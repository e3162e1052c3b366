// Words and hashtags for populated statuses, so a search benchmark meets a realistic spread: word use in real text
// follows Zipf's law (the k-th most common word is used about 1/k as often as the first), so a few words are in
// many statuses and most are in few. Deterministic per (author, n): a rerun writes the same text.

const WORDS = (
  'time people year way day thing world life hand part child eye woman place work week case point government ' +
  'company number group problem fact home water room mother area money story month lot right study book job word ' +
  'business issue side kind head house service friend father power hour game line end member law car city ' +
  'community name president team minute idea kid body information back parent face others level office door ' +
  'health person art war history party result change morning reason research girl guy moment air teacher force ' +
  'education foot boy age policy process music market sense nation plan college interest death experience effect ' +
  'class control care field development role effort rate heart drug show leader light voice wife police mind price ' +
  'report decision son view relationship town road arm difference value building action model season society tax ' +
  'director position player record paper space ground form event official matter center couple site project ' +
  'activity star table need court oil situation cost industry figure street image phone data picture practice ' +
  'piece land product doctor wall patient worker news test movie north love support technology step baby computer ' +
  'type attention film tree source organization hair window evidence population truth song garden coffee engine ' +
  'bridge river mountain ocean island forest desert winter summer spring autumn rain snow storm cloud sunset ' +
  'breakfast dinner recipe bread cheese pasta soup salad cake chocolate tea wine beer bicycle train airport ' +
  'ticket holiday camera photo painting poem novel library museum concert festival stadium marathon football ' +
  'tennis chess puzzle guitar piano violin drum podcast keyboard laptop server database compiler rust python ' +
  'javascript typescript kernel network cloud startup launch release update bug feature design interface ' +
  'algorithm robot rocket planet galaxy telescope climate energy solar battery electric vaccine hospital ' +
  'election vote budget economy inflation market stock bank loan rent apartment neighbour village harbour castle'
).split(' ');

const TAGS = (
  'news tech music photography travel food coffee books art science space climate football running gaming ' +
  'opensource rust typescript python webdev design startups health fitness cooking gardening cats dogs ' +
  'history politics economy movies tv poetry jazz rock hiking cycling chess weekend mondaymotivation'
).split(' ');

/** An index from 0..n-1 drawn with Zipf weights (rank 1 the most likely) by a uniform `u` in [0, 1). */
function zipf(u: number, n: number): number {
  // The inverse of the continuous Zipf CDF (exponent 1): rank ≈ n^u, so small ranks are common.
  return Math.min(n - 1, Math.floor(Math.pow(n + 1, u)) - 1);
}

// A small hash of (i, n, k) as a number in [0, 1): the same draws on every run.
function draw(i: number, n: number, k: number): number {
  let h = Math.imul(i + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 0x27d4eb2f, 0xc2b2ae35) ^ Math.imul(k + 1, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/**
 * The text of user i's n-th populated status: 6 to 15 words of the vocabulary (Zipf-distributed), one or two
 * hashtags on most statuses (Zipf too, so a few tags trend), and now and then a mention of a nearby user.
 */
export function populatedText(i: number, n: number, mention: (j: number) => string): string {
  const count = 6 + Math.floor(draw(i, n, 0) * 10);
  const words: string[] = [];
  for (let k = 1; k <= count; k++) words.push(WORDS[zipf(draw(i, n, k), WORDS.length)] ?? 'word');
  const sentence = words.join(' ');
  let text = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  const tags = draw(i, n, 100);
  if (tags < 0.75) text += ` #${TAGS[zipf(draw(i, n, 101), TAGS.length)] ?? 'news'}`;
  if (tags < 0.25) text += ` #${TAGS[zipf(draw(i, n, 102), TAGS.length)] ?? 'tech'}`;
  if (draw(i, n, 103) < 0.1) text += ` @${mention(1 + ((i + n) % 97))}`;
  return text;
}

/** How many words the vocabulary has (reported with the search benchmark). */
export const VOCABULARY_SIZE = WORDS.length;

/**
 * The populated words, most used first, and the hashtags (without `#`), most used first: what the search benchmark
 * draws its queries from, so they find what a population holds.
 */
export function populatedVocabulary(): { words: readonly string[]; tags: readonly string[] } {
  return { words: WORDS, tags: TAGS };
}
