/* http.h: the HTTP server (libmicrohttpd). The only module that includes
 * <microhttpd.h>: connection lifecycle, body accumulation with a cap, writing the
 * reply, and the access log line. */
#ifndef STOAT_HTTP_H
#define STOAT_HTTP_H

#include <stddef.h>

/* Binds config.host:config.port and starts serving. Returns 0, or -1 with a
 * one-line reason in err. The port actually bound (for --port 0) is returned
 * through *bound_port. */
int http_start(unsigned *bound_port, char *err, size_t errlen);
/* Stops serving. The gateway must have ended every WebSocket first
 * (gateway_stop). */
void http_stop(void);

/* Ends an upgraded connection (libmicrohttpd closes its socket): the close
 * function ws.c is handed with each socket. Any thread. */
void http_upgrade_close(void *handle);

#endif
