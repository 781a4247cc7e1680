/* fuzz_gateway.c: libFuzzer target for the events WebSocket's inbound message
 * decoder (gw_decode), which every text frame of every session goes through.
 *
 * Input: the bytes of one text frame. Invariants beyond the sanitizers: a kind
 * the protocol knows, with text exactly when it is not "ignored"; a Ping's data,
 * written back in a Pong, is JSON cJSON parses, and decoding
 * {"type":"Ping","data":<it>} gives it back unchanged (the echo is stable).
 * Seeds: tests/fuzz/corpus/fuzz_gateway/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gw_message.h"
#include "strbuf.h"

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "invariant: %s (%s)\n", what, text ? text : "NULL");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_msg m;
	enum gw_kind k = gw_decode((const char *)data, size, &m);
	if (k != m.kind || k < GW_IGNORED || k > GW_SUBSCRIBE)
		fail("unknown kind", NULL);
	if ((k == GW_IGNORED) != (m.text == NULL))
		fail("text without a message, or a message without text", m.text);
	if (k == GW_PING) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "{\"type\":\"Ping\",\"data\":%s}", m.text);
		cJSON *pong = cJSON_Parse(sb.buf);
		if (!pong)
			fail("the Pong is not JSON", m.text);
		cJSON_Delete(pong);
		struct gw_msg again;
		if (gw_decode(sb.buf, sb.len, &again) != GW_PING || strcmp(again.text, m.text) != 0)
			fail("the echoed data decodes differently", m.text);
		gw_msg_release(&again);
		strbuf_release(&sb);
	}
	gw_msg_release(&m);
	return 0;
}
