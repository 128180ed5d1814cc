import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Forms allowed a larger body than the default 100 kB, by exact path: e.g. a pasted CSV file. */
export type LargeForms = Record<string, string>;

// The parsers Nest would mount (JSON, and forms with extended: true), as one
// middleware that GET and HEAD requests pass straight through: most requests
// are page views, and each parser costs them a router layer and a look at
// headers that say there is no body. The app is created with
// `bodyParser: false`, so Nest does not mount its own as well.
export function bodyParsers(largeForms: LargeForms = {}): RequestHandler {
  const json = express.json();
  const form = express.urlencoded({ extended: true });
  const large = new Map(
    Object.entries(largeForms).map(([path, limit]) => [
      path,
      express.urlencoded({ extended: true, limit, parameterLimit: 100 }),
    ]),
  );
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const formParser = large.get(req.path) ?? form;
    json(req, res, (err?: unknown) => (err ? next(err) : formParser(req, res, next)));
  };
}
