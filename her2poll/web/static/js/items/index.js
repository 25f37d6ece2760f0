/* The item renderers by type: attendee.js, moderator.js and screen.js look a type up
 * here, so a new item type touches one renderer module and this table. */
import * as multiple from "./multiple.js";
import * as numeric from "./numeric.js";
import * as ranking from "./ranking.js";
import * as rating from "./rating.js";
import * as single from "./single.js";
import * as text from "./text.js";

export const RENDERERS = { single, multiple, rating, numeric, text, ranking };

/** The renderer of a question (or state.current); untyped question sets are single choice. */
export const renderer = (q) => RENDERERS[(q && q.type) || "single"] || single;
