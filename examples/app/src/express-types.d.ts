// Debian's node-express ships @types/express without the packages it
// imports (express-serve-static-core among them), so its types come out
// as `any`. These are the parts of Express 4 the demo uses.
declare module "express" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  import type { JsonObject } from "livets";

  namespace express {
    interface Request extends IncomingMessage {
      body: unknown;
      path: string;
      session?: JsonObject | null;
    }
    interface Response extends ServerResponse {
      status(code: number): this;
      json(body: unknown): this;
      type(contentType: string): this;
      send(body: string | Buffer): this;
      redirect(status: number, url: string): void;
    }
    type NextFunction = (error?: unknown) => void;
    type Handler = (req: Request, res: Response, next: NextFunction) => void;
    type ErrorHandler = (error: unknown, req: Request, res: Response, next: NextFunction) => void;
    interface Application {
      (req: IncomingMessage, res: ServerResponse): void;
      disable(setting: string): this;
      use(...handlers: Array<Handler | ErrorHandler>): this;
      get(path: string, ...handlers: Handler[]): this;
      post(path: string, ...handlers: Handler[]): this;
    }
    interface BodyParserOptions {
      limit?: string | number;
      extended?: boolean;
    }
    function json(options?: BodyParserOptions): Handler;
    function urlencoded(options?: BodyParserOptions): Handler;
  }
  function express(): express.Application;
  export = express;
}
