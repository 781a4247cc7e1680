/* model.c: lifecycle helpers of the stored objects (model.h), generated from
 * USER_FIELDS and BOT_FIELDS: a string member is freed and copied, a number or a
 * flag comes with the struct. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

void model_set(char **field, const char *value)
{
	char *copy = value ? strdup(value) : NULL;
	free(*field);
	*field = copy;
}

#define FREE_TEXT(p) free(p);
#define FREE_JSON(p) free(p);
#define FREE_INT(p)
#define FREE_BOOL(p)
#define FREE_USER(kind, member, column, role) FREE_##kind(u->member)
#define FREE_BOT(kind, member, column, role) FREE_##kind(b->member)

void user_release(struct user *u)
{
	USER_FIELDS(FREE_USER)
	memset(u, 0, sizeof(*u));
}

void bot_release(struct bot *b)
{
	BOT_FIELDS(FREE_BOT)
	memset(b, 0, sizeof(*b));
}

/* dst->m = a copy of src->m; ok turns false when a string cannot be copied (the
 * member is then NULL, so a release frees what was copied). */
#define COPY_TEXT(d, s) ok &= !(s) || ((d) = strdup(s)) != NULL;
#define COPY_JSON(d, s) COPY_TEXT(d, s)
#define COPY_INT(d, s) (d) = (s);
#define COPY_BOOL(d, s) (d) = (s);
#define COPY_USER(kind, member, column, role) COPY_##kind(dst->member, src->member)

bool user_copy(struct user *dst, const struct user *src)
{
	bool ok = true;
	user_release(dst);
	USER_FIELDS(COPY_USER)
	if (!ok)
		user_release(dst);
	return ok;
}
