/**
 * How s3-share marks what it made for a user, so that delete-user can tell it apart from what
 * others made: create writes these marks, delete-user reads them.
 */

/** Tag on a role made by `create --role`: its value is the user that may assume it. */
export const ROLE_OWNER_TAG = 's3-share:user';
