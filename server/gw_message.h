/* gw_message.h: the inbound message decoder of the events WebSocket: one text
 * frame in, one client message (or "ignored") out. A pure function, no I/O and no
 * state: the gateway calls it for every text frame, the unit tests and the
 * libFuzzer target (tests/fuzz/fuzz_gateway.c) call it directly.
 *
 * REAL: crates/core/database/src/events/server.rs ClientMessage, decoded by
 * serde_json in crates/bonfire/src/config.rs (events.md §1.4, §3, §4): an
 * internally tagged enum on "type"; unknown keys are skipped; a duplicate known
 * key, a wrong type, malformed JSON or an unknown "type" make the whole frame fail
 * to decode, and the server ignores it. */
#ifndef STOAT_GW_MESSAGE_H
#define STOAT_GW_MESSAGE_H

#include <stddef.h>

enum gw_kind {
	GW_IGNORED,      /* not a ClientMessage (the caller does nothing) */
	GW_AUTHENTICATE, /* {"type":"Authenticate","token":S}: text = the token */
	GW_PING,         /* {"type":"Ping","data":D[,"responded":null]}: text = D as the server
			  * writes it back (usize digits, or a [u8] array without spaces) */
	GW_BEGIN_TYPING, /* {"type":"BeginTyping","channel":C}: text = C */
	GW_END_TYPING,   /* {"type":"EndTyping","channel":C}: text = C */
	GW_SUBSCRIBE,    /* {"type":"Subscribe","server_id":S}: text = S */
};

struct gw_msg {
	enum gw_kind kind;
	char *text; /* malloc'd (NULL for GW_IGNORED) */
};

/* Decodes text[0..n) (UTF-8, as wslay checked it). Fills *out (its previous
 * contents are not freed) and returns out->kind. */
enum gw_kind gw_decode(const char *text, size_t n, struct gw_msg *out);
void gw_msg_release(struct gw_msg *m);

#endif
