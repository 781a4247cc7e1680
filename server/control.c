/* control.c: the /_mock control API (see control.h). */
#include "control.h"

#include <stdlib.h>
#include <string.h>

static char *fixtures_text;
static size_t fixtures_len;

int control_init(const char *fixture_text, size_t len)
{
	free(fixtures_text);
	fixtures_text = malloc(len + 1);
	if (!fixtures_text)
		return -1;
	memcpy(fixtures_text, fixture_text, len);
	fixtures_text[len] = 0;
	fixtures_len = len;
	return 0;
}

void control_shutdown(void)
{
	free(fixtures_text);
	fixtures_text = NULL;
}

bool control_fault(struct request *rq, struct reply *rp)
{
	(void)rq;
	(void)rp;
	return false;
}

void control_journal(const struct request *rq, const struct reply *rp)
{
	(void)rq;
	(void)rp;
}
