/* Single choice: one tap is the answer; the panel's table and chart beside the published
 * figures (moderator.js, compare-chart.js) show it, as in the founding case. */
import { answerOfOption, CHOOSE, choiceBars, tapForm } from "./choice.js";

export const field = "option_id";
/** Drawn by the pages' comparison path (table, plotly chart, published beside it). */
export const compare = true;
export const form = tapForm;
export const answerText = answerOfOption;
export const waitingText = CHOOSE;
/** The projector's and the phone's bars, when drawn without the chart. */
export const screen = (q, tally) => choiceBars(q, tally, undefined, "bars big");
