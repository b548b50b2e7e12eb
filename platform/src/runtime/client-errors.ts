import type http from 'node:http';
import { commonErrors } from '../errors/app-error';
import { errorBody } from '../errors/error-middleware';
import { newRequestId } from './request-context';

/**
 * Requests Node refuses before Express sees them (headers over `--max-http-header-size`, a
 * request line it cannot parse) get the error body of docs/contract.md §3 too, instead of
 * Node's bare status line.
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const appError =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? commonErrors.headers_too_large.create()
        : commonErrors.parameter_invalid.create('The request is not valid HTTP.');
    const body = JSON.stringify(errorBody(appError, newRequestId()));
    const reason = appError.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${appError.status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
