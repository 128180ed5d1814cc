import { Param, ParseIntPipe, ParseUUIDPipe } from '@nestjs/common';
import { NotFound } from '../errors/app-error';

// An id in the path that cannot name anything is a page that does not exist:
// the plain 404, never the pipe's own "Validation failed (uuid is expected)".
const notFound = () => new NotFound();

/** A UUID path parameter (people, organizations, plugin records); anything else is a 404. */
export const UuidParam = (name = 'id') => Param(name, new ParseUUIDPipe({ exceptionFactory: notFound }));

/** A whole-number path parameter (audit entries, mail messages); anything else is a 404. */
export const IntIdParam = (name = 'id') => Param(name, new ParseIntPipe({ exceptionFactory: notFound }));
