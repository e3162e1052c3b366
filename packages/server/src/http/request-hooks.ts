import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Histogram } from 'prom-client';

type DurationHistogram = Histogram<'method' | 'route' | 'status'>;
type Series = ReturnType<DurationHistogram['labels']>;

/**
 * One route's request-duration series, made once per method and status. Building the label object, its status
 * string and prom-client's label check on every response was garbage on every request for the same few series.
 */
class RouteSeries {
  private readonly byMethod = new Map<string, Map<number, Series>>();

  constructor(
    private readonly histogram: DurationHistogram,
    private readonly route: string,
  ) {}

  observe(method: string, status: number, seconds: number): void {
    let byStatus = this.byMethod.get(method);
    if (byStatus === undefined) this.byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) {
      series = this.histogram.labels({ method, route: this.route, status: String(status) });
      byStatus.set(status, series);
    }
    series.observe(seconds);
  }
}

/** The route's series a request was handled by (set by its handler's wrapper; null before a handler ran). */
const SERIES = 'tweeterSeries';
type WithSeries = FastifyRequest & { [SERIES]: RouteSeries | null };

/**
 * The request id in every response's `x-request-id` and every response's duration in the metrics, without a hook
 * that runs before each request. Each route's handler is wrapped to set the header (and to name its metrics series);
 * responses that never reach a handler get the header from the error and not-found handlers (see `stampRequestId`).
 * One onResponse hook is left: the duration is known only once the response is sent.
 */
export function observeRequests(app: FastifyInstance, histogram: DurationHistogram): void {
  app.decorateRequest(SERIES, null);
  const byRoute = new Map<string, RouteSeries>();
  const seriesOf = (route: string): RouteSeries => {
    let series = byRoute.get(route);
    if (series === undefined) byRoute.set(route, (series = new RouteSeries(histogram, route)));
    return series;
  };
  app.addHook('onRoute', (route) => {
    // A WebSocket route's handler is the socket's (its upgrade answer is written by `ws`, not by the reply).
    if ((route as { websocket?: boolean }).websocket) return;
    const handler = route.handler as RouteHandlerMethod;
    const series = seriesOf(route.url);
    route.handler = function handleWithId(this: FastifyInstance, req, reply) {
      reply.header('x-request-id', req.id);
      (req as WithSeries)[SERIES] = series;
      return handler.call(this, req, reply);
    } as RouteHandlerMethod;
  });
  app.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode;
    const series = (req as WithSeries)[SERIES] ?? seriesOf(req.routeOptions.url ?? 'unmatched');
    series.observe(req.method, status, reply.elapsedTime / 1000);
    if (status >= 500) {
      const route = req.routeOptions.url ?? 'unmatched';
      req.log.warn({ route, status }, 'request failed');
    }
    // An upgrade request answered over HTTP (any route but the stream's, or none): its socket has no HTTP parser
    // left, so nothing else would ever end it. The WebSocket plugin's own hook did this while it was app-wide.
    if ((req.raw as { upgrade?: boolean }).upgrade === true) req.raw.socket.destroy();
    done();
  });
}

/** The `x-request-id` header for a response no route handler sent (an error before it, a 404). */
export function stampRequestId(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', req.id);
}
