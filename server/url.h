/* url.h: the URL and IP address text rules of Rust's url crate (WHATWG URL
 * parsing) and std, as far as the server needs them: rocket_cors parses and
 * re-serialises every Origin header with url::Url (rocket.c), and the rate
 * limiter keys a client by its address as Rust prints it (ratelimit.c). Pure
 * functions over text: no request, no state.
 *
 * DIFF: no IDNA; a host with non-ASCII letters is only lower-cased where ASCII,
 * and inputs over 1023 bytes (hosts over 255) count as unparsable
 * (docs/fidelity.md#cors). */
#ifndef STOAT_URL_H
#define STOAT_URL_H

#include <stddef.h>

/* Parses in as url::Url::parse would, far enough to know whether it fails and
 * what its origin is (url::Url::origin). Returns 1 for a tuple origin, written to
 * out as url::Origin::ascii_serialization does (scheme://host[:port], lower case,
 * default port dropped, IPv4 numbers in any base normalised, IPv6 compressed; a
 * blob: URL takes the origin of its inner http(s) URL); 0 for an opaque origin
 * (out untouched); -1 when Url::parse fails. */
int url_origin(const char *in, char *out, size_t size);

/* An IPv6 address as text: lower-case hex pieces, the first longest run of two or
 * more zero pieces as "::". The WHATWG URL serialiser (an Origin's host) and
 * Rust's Ipv6Addr Display (ratelimit.c, which adds the IPv4-mapped form) agree
 * on these rules. */
void url_ipv6_text(const unsigned char b[16], char *out, size_t size);

#endif
