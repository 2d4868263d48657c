// What the settings page's forms ask for (the `intent` field): save the settings, or recompute
// the scores now. Shared by the action and the page (so not in a .server module).
export const SAVE_INTENT = "save";
export const RECOMPUTE_INTENT = "recompute";
