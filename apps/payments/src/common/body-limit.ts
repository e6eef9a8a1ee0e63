/** Bodies of the API and of DOKU's calls: the largest legitimate one is a few kb. */
export const BODY_LIMIT = 64 * 1024;
