/** For @Transform: form text fields are compared and stored without surrounding spaces (never passwords). */
export { trim } from '../../../common/http/text-rules';
