import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands an event handler's failure on as it was thrown, to the events consumer that retries or
 * dead-letters the event (`EventConsumerServer`) and logs it once. Nest's own filter would log it
 * too and replace it with a generic error, hiding a timeout or a malformed event.
 */
@Catch()
export class EventFailureFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
