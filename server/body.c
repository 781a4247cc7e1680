/* body.c: the escaped-NUL carrier (see body.h). */
#include "body.h"

#include <stdlib.h>
#include <string.h>

void body_nul_escape(char **body, size_t *len)
{
	/* PERF: memchr first, a byte loop only when there is a NUL to escape: the loop
	 * cost 4 000 instructions on every 581-byte GET /bots/{id} answer */
	if (!*body || !memchr(*body, BODY_NUL, *len))
		return;
	size_t nuls = 0;
	for (size_t i = 0; i < *len; i++)
		nuls += (*body)[i] == BODY_NUL;
	char *out = malloc(*len + nuls * 5 + 1), *o = out;
	for (size_t i = 0; i < *len; i++) {
		if ((*body)[i] == BODY_NUL) {
			memcpy(o, "\\u0000", 6);
			o += 6;
		} else {
			*o++ = (*body)[i];
		}
	}
	*o = 0;
	free(*body);
	*body = out;
	*len = (size_t)(o - out);
}
