/** The made-by tag's value on what a client list creates: which s3-share made it. */
import pkg from '../../../package.json';

export const MADE_BY = `s3-share/${pkg.version}`;
