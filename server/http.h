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
void http_stop(void);

#endif
