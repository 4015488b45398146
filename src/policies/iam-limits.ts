/** Limits IAM and STS set, named once for every command and service that must respect them. */

/** Access keys one IAM user may hold. */
export const ACCESS_KEYS_PER_USER = 2;

/** The shortest and longest role session STS grants (AssumeRole DurationSeconds), in seconds. */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43200;
