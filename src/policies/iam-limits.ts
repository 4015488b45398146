/** Limits IAM, STS and S3 set, named once for every command and service that must respect them. */

/** Access keys one IAM user may hold. */
export const ACCESS_KEYS_PER_USER = 2;

/** The shortest and longest role session STS grants (AssumeRole DurationSeconds), in seconds. */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43200;

/** The longest a presigned S3 URL (Signature Version 4) can live, in seconds: 7 days. */
export const MAX_PRESIGNED_URL_SECONDS = 7 * 24 * 3600;
