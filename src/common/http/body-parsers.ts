import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

// The parsers Nest would mount (JSON, and forms with extended: true), as one
// middleware that GET and HEAD requests pass straight through: most requests
// are page views, and each parser costs them a router layer and a look at
// headers that say there is no body. The app is created with
// `bodyParser: false`, so Nest does not mount its own as well.
export function bodyParsers(): RequestHandler {
  const json = express.json();
  const form = express.urlencoded({ extended: true });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    json(req, res, (err?: unknown) => (err ? next(err) : form(req, res, next)));
  };
}
