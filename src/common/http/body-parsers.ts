import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { InputRefused } from '../errors/app-error';

/**
 * Forms allowed a larger body than the default 100 kB, by exact path (a
 * pasted or uploaded CSV file): `limit` in bytes. A `file` field names the
 * one file the form may upload (multipart/form-data); its content arrives
 * as that text field of the body (UTF-8), so the CSRF check and the DTO see
 * an ordinary form.
 */
export type LargeForms = Record<string, { limit: number; file?: string }>;

// The parsers Nest would mount (JSON, and forms with extended: true), as one
// middleware that GET and HEAD requests pass straight through: most requests
// are page views, and each parser costs them a router layer and a look at
// headers that say there is no body. The app is created with
// `bodyParser: false`, so Nest does not mount its own as well.
export function bodyParsers(largeForms: LargeForms = {}): RequestHandler {
  const json = express.json();
  const form = express.urlencoded({ extended: true });
  const large = new Map(
    Object.entries(largeForms).map(([path, spec]) => [
      path,
      {
        form: express.urlencoded({ extended: true, limit: spec.limit, parameterLimit: 100 }),
        multipart: spec.file ? uploadAsText(spec.file, spec.limit) : null,
      },
    ]),
  );
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const bigger = large.get(req.path);
    if (bigger?.multipart && req.is('multipart/form-data')) return bigger.multipart(req, res, next);
    const formParser = bigger?.form ?? form;
    json(req, res, (err?: unknown) => (err ? next(err) : formParser(req, res, next)));
  };
}

const TOO_LARGE = (limit: number) =>
  `The file is too large: upload at most ${Math.round(limit / 1_000_000)} MB at a time.`;

// One file, kept in memory (at most `limit` bytes), handed on as a text field.
function uploadAsText(field: string, limit: number): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, files: 1, fields: 20, fieldSize: limit, parts: 21 },
  }).single(field);
  return (req, res, next) =>
    upload(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError) {
        req.body = {};
        return next(
          err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_FIELD_VALUE'
            ? new InputRefused({ [field]: TOO_LARGE(limit) })
            : new InputRefused({ [field]: 'Upload one file with the form.' }),
        );
      }
      if (err) return next(err);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (req.file) body[field] = req.file.buffer.toString('utf8');
      req.body = body;
      return next();
    });
}
