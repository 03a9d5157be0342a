/** Announced on every policy change: decision caches in every process start over. */
export const POLICY_CHANGE_KEY = 'interconnect:policy';
